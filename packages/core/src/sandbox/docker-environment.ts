import type Docker from 'dockerode';
import type { CommandResult, Environment, ExecuteOptions } from '../environment.js';
import { DockerBackend } from './docker-backend.js';
import type { DockerClient } from './docker-client.js';
import {
  type DockerEnvironmentOptions,
  resolveDockerSettings,
} from './docker-environment-options.js';
import { defaultDocker } from './docker-images.js';
import { removeStaleSandboxes } from './docker-stale.js';
import { SANDBOX_IMAGE } from './sandbox-image.js';
import { SandboxLifecycle } from './sandbox-lifecycle.js';

export type { DockerEnvironmentOptions } from './docker-environment-options.js';

/**
 * A sandbox in a Docker container, through `dockerode`: one container per environment, one
 * persistent bash attached once (commands cost a round trip on the attached stream, not a
 * `docker exec`), removed on `dispose()`, on `signal` abort, and on process exit/SIGINT/SIGTERM.
 *
 * Contained: not privileged, all capabilities dropped, `no-new-privileges`, a seccomp profile of
 * its own (`seccomp-profile.ts`: no setuid/setgid bits, no new namespaces, mounts, keyrings, BPF,
 * tracing ...), no network unless asked for, memory/pids/CPU limits, never root unless only root
 * could write the mounts (see the `user` option), a shell that its programs cannot read or trace.
 * Every option is checked at construction (`ConfigurationError`).
 *
 * Read-only mounts are Docker volumes of the `local` driver with overlay options (lower: the
 * host folder, upper/work: a temporary folder of the environment), mounted `nosuid,nodev`, so the
 * bot may write and the host folder stays unchanged; where the engine cannot mount that (Docker
 * Desktop: the host path is not in the engine's VM), the folder is copied in instead and `notes`
 * says so. Read-write mounts are binds.
 *
 * Containers and volumes are labelled `bots.sandbox=1` with their owner (pid, host, process
 * start), overlay folders hold an `owner.json`; the first start in a process removes what
 * ended processes left ({@link DockerEnvironment.removeStale}).
 *
 * The lifecycle (start once, dispose once, cleanup at exit) is `SandboxLifecycle`'s; what is
 * Docker's is in `DockerBackend`.
 */
export class DockerEnvironment implements Environment {
  readonly kind = 'docker';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: string[] = [];
  readonly #backend: DockerBackend;
  readonly #lifecycle: SandboxLifecycle;

  /** @throws ConfigurationError for an unknown option or a bad value (it names the fix). */
  constructor(options: DockerEnvironmentOptions = {}) {
    const settings = resolveDockerSettings(options);
    this.#backend = new DockerBackend(settings, this.notes);
    this.#lifecycle = new SandboxLifecycle(this.#backend, settings.signal);
  }

  /** The container's id once started. */
  get containerId(): string | undefined {
    return this.#backend.containerId;
  }

  /** True when a Docker engine answers (at `DOCKER_HOST`, or the client given). */
  static async isAvailable(options: { docker?: DockerClient } = {}): Promise<boolean> {
    try {
      await (options.docker ?? (await defaultDocker())).ping();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Removes what sandboxes of ended processes on this host left: containers labelled
   * `bots.sandbox=1` whose owner (pid, host, process start) has ended, their volumes, and their
   * overlay folders (`bots-overlay-*` in the temporary directory); never what a live process
   * owns. The first start of a DockerEnvironment in a process runs it once. Returns what was
   * removed: container ids, volume names, folder paths.
   */
  static async removeStale(options: { docker?: DockerClient } = {}): Promise<string[]> {
    const docker = (options.docker ?? (await defaultDocker())) as Docker;
    return removeStaleSandboxes({ docker, helperImage: SANDBOX_IMAGE });
  }

  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#lifecycle.start(options);
  }

  execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    return this.#lifecycle.execute(command, options);
  }

  /**
   * Copies a host file or folder into the sandbox, owned by the sandbox's user. Refuses a target
   * path with a symbolic link made inside (the engine would write through it).
   */
  copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    return this.#lifecycle.copyIn(hostPath, sandboxPath);
  }

  dispose(): Promise<void> {
    return this.#lifecycle.dispose();
  }
}
