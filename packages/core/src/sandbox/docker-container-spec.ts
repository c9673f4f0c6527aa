import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { DockerSettings } from './docker-environment-options.js';
import { ownerLabels } from './docker-owner-labels.js';
import { SandboxError } from './errors.js';
import { type ResolvedMount, SANDBOX_WORKDIR } from './mounts.js';
import { sandboxSeccompJson } from './seccomp-profile.js';

/**
 * The bind mounts of the read-write mounts (read-only ones are overlays or copies).
 * @throws SandboxError for a mount mode that is neither.
 */
export function bindMounts(mounts: readonly ResolvedMount[]): Docker.MountSettings[] {
  const binds: Docker.MountSettings[] = [];
  for (const mount of mounts) {
    switch (mount.mode) {
      case 'read-write':
        // A bind mount cannot be nosuid/nodev through Docker's API; the seccomp profile keeps
        // setuid/setgid bits from being made, no-new-privileges keeps planted ones from
        // working, the devices cgroup keeps device nodes closed.
        binds.push({ Type: 'bind', Source: mount.hostPath, Target: mount.sandboxPath });
        break;
      case 'read-only':
        break;
      default:
        throw new SandboxError(
          `Unknown mount mode ${JSON.stringify(mount.mode)} for ${mount.hostPath}; use "read-only" or "read-write".`,
        );
    }
  }
  return binds;
}

/** What a sandbox container is made of. */
export interface ContainerSpecInput {
  /** The environment's random id, in the container's name and labels. */
  readonly environmentId: string;
  readonly image: string;
  readonly user: { readonly uid: number; readonly gid: number };
  readonly networkMode: string;
  readonly mounts: Docker.MountSettings[];
  readonly settings: Pick<DockerSettings, 'labels' | 'memory' | 'pids' | 'cpus' | 'readOnlyRootfs'>;
}

/**
 * The `createContainer` options of a sandbox container: not privileged, every capability
 * dropped, `no-new-privileges`, the sandbox's seccomp profile, the limits, an init, labelled
 * with its owner, idle (`sleep infinity`) until its shell is attached.
 */
export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  const { uid, gid } = input.user;
  const { memory, pids, cpus, readOnlyRootfs, labels } = input.settings;
  return {
    name: `bots-sandbox-${input.environmentId}-${randomBytes(3).toString('hex')}`,
    Image: input.image,
    Cmd: ['sleep', 'infinity'],
    Labels: {
      ...labels,
      ...ownerLabels(),
      'bots.created': new Date().toISOString(),
      'bots.environment': input.environmentId,
    },
    Env: [],
    WorkingDir: SANDBOX_WORKDIR,
    User: `${uid}:${gid}`,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      NetworkMode: input.networkMode,
      Memory: memory,
      MemorySwap: memory,
      PidsLimit: pids,
      ...(cpus ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges', `seccomp=${sandboxSeccompJson()}`],
      Privileged: false,
      Init: true,
      ReadonlyRootfs: readOnlyRootfs,
      ...(readOnlyRootfs
        ? {
            Tmpfs: {
              '/tmp': 'rw,nosuid,nodev,size=512m',
              [SANDBOX_WORKDIR]: 'rw,nosuid,nodev,size=512m',
              '/home/bot': 'rw,nosuid,nodev,size=128m',
            },
          }
        : {}),
      Mounts: input.mounts,
      AutoRemove: false,
    },
  };
}
