import { createHash } from 'node:crypto';
import { lstatSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Environment } from '@bots/core';
import { SANDBOX_CLI_FOLDER, SANDBOX_CLI_HOME } from './contained-runtime.js';

/** Where the shared cache is shown inside a sandbox (read-only: an overlay, writes thrown away). */
export const SANDBOX_CLI_CACHE = '/opt/copilot-cache';

/** The file that marks a filled cache. */
export const CACHE_COMPLETE = '.bots-complete';
const pending = new Map<string, Promise<string | undefined>>();

/** The cache folder's name for one CLI executable (its path, size and modification time). */
function cacheName(cliPath: string): string {
  const info = statSync(cliPath);
  const key = `${cliPath}\0${info.size}\0${info.mtimeMs}`;
  return `bots-copilot-cache-${process.getuid?.() ?? 'u'}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** True when the folder is ours alone (this uid, mode 0700, not a link) and complete. */
export function usableCache(folder: string): boolean {
  try {
    const info = lstatSync(folder);
    const uid = process.getuid?.();
    return (
      info.isDirectory() &&
      (uid === undefined || info.uid === uid) &&
      (info.mode & 0o077) === 0 &&
      statSync(join(folder, CACHE_COMPLETE)).isFile()
    );
  } catch {
    return false;
  }
}

/**
 * The Copilot CLI unpacks ~235 MB of JavaScript into its cache on every first start (4-5 s); a
 * fresh sandbox per run would pay that every run. This is a host folder with that cache, filled
 * once per CLI executable by the CLI itself in a sandbox of its own that runs `--version` only (no
 * agent, no model, no task, so nothing a run's model controls can write it), then shown read-only
 * to every run. It is kept in the temporary directory for later processes, used only when it
 * belongs to this user with mode 0700. Undefined when it cannot be made (runs then unpack anew).
 */
export function sharedCliCache(
  cliPath: string,
  kind: 'docker' | 'local',
): Promise<string | undefined> {
  const folder = join(tmpdir(), cacheName(cliPath));
  if (usableCache(folder)) return Promise.resolve(folder);
  let made = pending.get(folder);
  if (!made) {
    made = fillCache(cliPath, folder, kind).catch(() => undefined);
    pending.set(folder, made);
    void made.finally(() => pending.delete(folder));
  }
  return made;
}

async function fillCache(
  cliPath: string,
  folder: string,
  kind: 'docker' | 'local',
): Promise<string | undefined> {
  const staging = await mkdtemp(join(tmpdir(), 'bots-copilot-cache-staging-'));
  const core = await import('@bots/core');
  const mounts = [
    kind === 'docker'
      ? { hostPath: dirname(cliPath), sandboxPath: SANDBOX_CLI_FOLDER, mode: 'read-only' as const }
      : {
          hostPath: cliPath,
          sandboxPath: `${SANDBOX_CLI_FOLDER}/${basename(cliPath)}`,
          mode: 'read-only' as const,
        },
    { hostPath: staging, sandboxPath: SANDBOX_CLI_CACHE, mode: 'read-write' as const },
  ];
  const environment: Environment =
    kind === 'docker'
      ? new core.DockerEnvironment({ mounts, network: false, memory: 2 * 1024 ** 3, pids: 512 })
      : new core.LocalEnvironment({ mounts, network: false });
  try {
    const filled = await environment.execute(
      `HOME=${SANDBOX_CLI_HOME} COPILOT_CACHE_HOME=${SANDBOX_CLI_CACHE} ${SANDBOX_CLI_FOLDER}/${basename(cliPath)} --version`,
      { timeoutMs: 120_000 },
    );
    if (filled.exitCode !== 0) throw new Error(filled.output);
    await environment.dispose();
    await writeFile(join(staging, CACHE_COMPLETE), '');
    await chmod(staging, 0o700);
    await rename(staging, folder);
    return usableCache(folder) ? folder : undefined;
  } finally {
    await environment.dispose();
    await rm(staging, { recursive: true, force: true });
  }
}
