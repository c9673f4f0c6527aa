/** Options for one command run in a sandbox. */
export interface ExecuteOptions {
  /** Kill the command after this many milliseconds; it is reported with exit code 124. */
  timeoutMs?: number;
  /** Aborts the command (it is killed; the call rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What a command did. */
export interface CommandResult {
  /** Exit code of the command; 124 when it was killed at its timeout. */
  exitCode: number;
  /** Standard output and standard error, interleaved as the shell wrote them, capped. */
  output: string;
  /** True when the command was killed at its timeout. */
  timedOut: boolean;
  /** True when `output` was cut (head and tail kept, a marker in between). */
  truncated: boolean;
  /** Wall time of the command in milliseconds. */
  durationMs: number;
}

/** A folder of the host made visible inside the sandbox. */
export interface Mount {
  /** Absolute path on the host. */
  hostPath: string;
  /** Absolute path inside the sandbox (default: `/workdir/<basename of hostPath>`). */
  sandboxPath?: string;
  /**
   * `read-only` (default): the bot may write, but writes go to a throwaway layer and the host
   * folder never changes. `read-write`: writes reach the host folder.
   */
  mode?: 'read-only' | 'read-write';
}

/**
 * A sandbox in which a bot's commands run: a persistent shell (`cd` and `export` persist between
 * commands), with only the system's programs and the mounts visible, no host environment
 * variables, no network unless asked for. Implemented by `DockerEnvironment` and
 * `LocalEnvironment`.
 */
export interface Environment {
  /** Short name for progress output, e.g. `docker` or `local`. */
  readonly kind: string;
  /** Starts the sandbox if it is not started yet. Idempotent; `execute` calls it. */
  start(options?: { signal?: AbortSignal }): Promise<void>;
  /** Runs one shell command in the persistent shell. */
  execute(command: string, options?: ExecuteOptions): Promise<CommandResult>;
  /** Copies a file or folder of the host into the sandbox at `sandboxPath`. */
  copyIn(hostPath: string, sandboxPath: string): Promise<void>;
  /** Stops the sandbox and removes everything it created. Idempotent, never throws. */
  dispose(): Promise<void>;
}
