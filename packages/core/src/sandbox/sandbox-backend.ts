import type { ShellProcess } from './shell-session.js';

/** How the persistent shell of a sandbox runs its commands. */
export interface ShellSettings {
  /** Directory the shell starts in. */
  readonly initialDirectory: string;
  /** Cap on the characters of output returned per command (head and tail kept). */
  readonly outputLimit: number;
  /** Timeout of commands that set none, in milliseconds; 0 for none. */
  readonly defaultTimeoutMs: number;
}

/**
 * What one kind of sandbox (a Docker container, a bubblewrap sandbox on the host) does for the
 * {@link SandboxLifecycle}: make the sandbox, spawn its shell, copy into it, release it. The
 * lifecycle decides when: it starts once, shares the start between callers, disposes once, and
 * registers the release for process exit and signals; a backend never needs to guard against
 * being called twice or after its release.
 */
export interface SandboxBackend {
  /** The public class, for messages: `DockerEnvironment`, `LocalEnvironment`. */
  readonly name: string;
  /** Short description of this sandbox for the cleanup registry, e.g. `docker sandbox 1a2b3c`. */
  readonly description: string;
  /** Where the shell starts, its output cap and its default timeout. */
  readonly shell: ShellSettings;
  /**
   * Makes the sandbox, up to where a shell can be spawned: folders, container, cgroup, the copies
   * of read-only mounts. Whatever it made before it failed is still removed by
   * {@link SandboxBackend.release}. `stopping` aborts once the environment is being disposed
   * (possibly while this runs): what is spawned after that should end at once.
   */
  create(stopping: AbortSignal): Promise<void>;
  /** Spawns a new shell in the made sandbox (for the first command, and after a shell died). */
  spawnShell(): Promise<ShellProcess>;
  /** Copies a host file or folder into the made sandbox at `sandboxPath`. */
  copyIn(hostPath: string, sandboxPath: string): Promise<void>;
  /** Removes everything the sandbox made. Never throws; a second call finds nothing to remove. */
  release(): Promise<void>;
  /**
   * Removes everything synchronously, at process exit or on a signal. Returns false when it could
   * not (then {@link SandboxBackend.release} runs, on a signal, with a deadline).
   */
  releaseNow(): boolean;
  /**
   * Optional: the error to report when the first shell did not start, e.g. with a hint of what
   * the machine lacks. Default: the error as it is.
   */
  explainStartFailure?(error: unknown): unknown;
  /**
   * Optional: waits for work that {@link SandboxBackend.create} began in the background (the
   * once-per-process removal of what ended processes left), after the first shell started.
   */
  settle?(): Promise<void>;
}
