import type { CommandResult, Environment, ExecuteOptions } from '../environment.js';
import { findBwrap } from './bwrap-program.js';
import { SandboxError } from './errors.js';
import { findExecutable } from './find-executable.js';
import { LocalBackend } from './local-backend.js';
import { type LocalEnvironmentOptions, resolveLocalOptions } from './local-options.js';
import { removeStaleLocal } from './local-stale.js';
import { SandboxLifecycle } from './sandbox-lifecycle.js';
import { SECCOMP_NODE_ARCHITECTURES } from './seccomp-filter.js';

export type { LocalEnvironmentOptions } from './local-options.js';

/**
 * A sandbox on the host through bubblewrap, for machines without a Docker engine.
 *
 * What the shell sees: only `/usr` (and the `/bin`, `/lib*` links), a minimal `/etc`, its own
 * `/proc` (with `/proc/sys` read-only), `/dev`, `/tmp`, home and `/workdir` (temporary folders of
 * the environment), and the mounts, bound `nosuid,nodev`; read-only mounts are copies in a
 * temporary folder, so the host folder never changes.
 *
 * What it can do: it runs in a user namespace as an unprivileged user (the host uid, or 1000
 * when the host process is root) with every capability dropped and no nested user namespace, all
 * other namespaces unshared (no network unless asked for, its own pid namespace), a cleared
 * environment, a new session, `--die-with-parent`, and a seccomp filter that refuses to set the
 * setuid/setgid bits. Pids/memory limits come from a cgroup the environment creates and joins
 * before bwrap starts (see `notes` when it cannot). Leftovers of dead processes are removed at
 * the first start of each process ({@link LocalEnvironment.removeStale}).
 *
 * The lifecycle (start once, dispose once, cleanup at exit) is `SandboxLifecycle`'s; what is
 * bubblewrap's is in `LocalBackend`.
 */
export class LocalEnvironment implements Environment {
  readonly kind = 'local';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: string[] = [];
  readonly #lifecycle: SandboxLifecycle;

  /**
   * @throws ConfigurationError (from `@bots/auth`) for a bad option: it names the option, the
   *   value and the valid ones.
   * @throws SandboxError when `bwrap` is not installed (the message has the install hint), or
   *   on a system the sandbox does not support (not Linux, not x86_64 or aarch64, bubblewrap
   *   older than 0.8).
   */
  constructor(options?: LocalEnvironmentOptions) {
    const resolved = resolveLocalOptions(options);
    if (process.platform !== 'linux') {
      throw new SandboxError(
        'LocalEnvironment (bubblewrap) runs on Linux only; use DockerEnvironment.',
      );
    }
    if (!SECCOMP_NODE_ARCHITECTURES[process.arch]) {
      throw new SandboxError(
        `LocalEnvironment's seccomp filter knows x86_64 and aarch64, not ${process.arch}; use DockerEnvironment.`,
      );
    }
    const found = findBwrap(resolved.bwrapPath);
    if ('problem' in found) throw new SandboxError(found.problem);
    const backend = new LocalBackend(resolved, found.bwrap, this.notes);
    this.#lifecycle = new SandboxLifecycle(backend, resolved.signal);
  }

  /** True when `bwrap` is on PATH (a CLI can pick the sandbox with it). */
  static isAvailable(): boolean {
    return process.platform === 'linux' && findExecutable('bwrap') !== undefined;
  }

  /**
   * Removes what local sandboxes of processes that ended without cleaning up (a `kill -9`, a
   * crash) left behind: their cgroups and temporary folders (with the throwaway copies of
   * read-only mounts). Owners are recorded by pid, process start time, pid namespace, host and
   * boot, so nothing of a live process, another host or another user is touched. Runs once per
   * process at the first start of a LocalEnvironment; `bots doctor --fix` calls it too.
   * Returns the paths it removed.
   */
  static removeStale(): Promise<string[]> {
    return removeStaleLocal();
  }

  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#lifecycle.start(options);
  }

  execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    return this.#lifecycle.execute(command, options);
  }

  /**
   * Copies a host file or folder into the sandbox, under `/workdir`, `/tmp`, `/home/bot` or a
   * mount. The copy runs in the sandbox's own view: it never follows a link made inside to the
   * host, and refuses a target path that has one.
   */
  copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    return this.#lifecycle.copyIn(hostPath, sandboxPath);
  }

  dispose(): Promise<void> {
    return this.#lifecycle.dispose();
  }
}
