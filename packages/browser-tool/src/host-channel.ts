import { randomInt } from 'node:crypto';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatModel } from '@bots/providers';
import { MODEL_SOCKET, PROXY_SOCKET } from './agent/host-channel-protocol.js';
import type { HostRule } from './host-rule.js';
import { type ModelServer, startModelServer } from './model-server.js';
import { type NetworkGuard, type RefusedRequest, startNetworkGuard } from './network-guard.js';

/** The user the browser container runs as, and who alone may use the channel's sockets. */
export interface ContainerUser {
  uid: number;
  gid: number;
}

/**
 * The container's user: this process's own uid:gid when it is not root (the channel folder is
 * then simply yours); as root, an unprivileged id of its own per run (no account of this host has
 * it, so no other local user, not even `nobody`, can open the channel's sockets).
 */
export function containerUser(): ContainerUser {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid !== undefined && uid !== 0 && gid !== undefined) return { uid, gid };
  const id = randomInt(100_000_000, 200_000_000);
  return { uid: id, gid: id };
}

/** The host end of one run's channel (see `host-channel-protocol.ts`). */
export interface HostChannel {
  /** The folder to bind-mount (read-only) at `CHANNEL_MOUNT`. */
  readonly folder: string;
  readonly guard: NetworkGuard;
  readonly modelServer: ModelServer;
  /** Stops both servers and removes the folder. */
  close(): Promise<void>;
}

/** Options of {@link openHostChannel}. */
export interface HostChannelOptions {
  model: ChatModel;
  rule: HostRule;
  maxCalls: number;
  user: ContainerUser;
  signal: AbortSignal;
  onRefused: (refused: RefusedRequest) => void;
}

/**
 * Opens one run's channel: a fresh folder (0700, owned by the container's user) with the network
 * guard's socket and the model server's socket (0600, same owner). The folder path is not a
 * secret: only the container's user and root can open what is in it.
 */
export async function openHostChannel(options: HostChannelOptions): Promise<HostChannel> {
  const folder = await mkdtemp(join(tmpdir(), 'bots-browser-channel-'));
  let guard: NetworkGuard | undefined;
  let modelServer: ModelServer | undefined;
  const close = async () => {
    await Promise.all([guard?.close(), modelServer?.close()]);
    await rm(folder, { recursive: true, force: true });
  };
  try {
    await chmod(folder, 0o700);
    guard = await startNetworkGuard({
      rule: options.rule,
      listen: { path: join(folder, PROXY_SOCKET) },
      onRefused: options.onRefused,
    });
    modelServer = await startModelServer({
      model: options.model,
      path: join(folder, MODEL_SOCKET),
      maxCalls: options.maxCalls,
      signal: options.signal,
    });
    const root = process.getuid?.() === 0;
    for (const socket of [PROXY_SOCKET, MODEL_SOCKET]) {
      const path = join(folder, socket);
      await chmod(path, 0o600);
      if (root) await chown(path, options.user.uid, options.user.gid);
    }
    if (root) await chown(folder, options.user.uid, options.user.gid);
    return { folder, guard, modelServer, close };
  } catch (error) {
    await close();
    throw error;
  }
}
