import type { Env } from '@bots/auth';

/** Writes text to one of the CLI's streams. Everything written is passed through `redact`. */
export type Writer = (text: string) => void;

/**
 * What every command of the `bots` CLI gets. A command is
 * `(context: CommandContext) => Promise<number>` and resolves with the process exit code
 * (see `EXIT`). Throw a `UsageError` or a `ConfigurationError` (from `@bots/auth`) for bad input
 * or configuration: the CLI prints its message and exits with 2. Never call `process.exit`.
 */
export interface CommandContext {
  /** The command's arguments: `process.argv` after the command name, e.g. `['"<task>"', '--json']`. */
  readonly args: readonly string[];
  /** The environment to read configuration from (`process.env` in the CLI). */
  readonly env: Env;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Aborted on Ctrl-C (SIGINT) or SIGTERM. Pass it on (`bot.run(task, { signal })`), clean up and
   * return: the CLI then exits with 130. A second Ctrl-C exits at once.
   */
  readonly signal: AbortSignal;
  /** The answer and `--json` output. Redacted. */
  readonly stdout: Writer;
  /** Progress, notes and errors. Redacted. */
  readonly stderr: Writer;
  /** True when stderr is a terminal and NO_COLOR is unset: progress may use ANSI colours. */
  readonly color: boolean;
}

/** A command of the CLI. */
export type Command = (context: CommandContext) => Promise<number>;

/** The exit codes of the CLI. */
export const EXIT = {
  /** The task succeeded (doctor: everything needed is usable). */
  success: 0,
  /** The task failed, timed out or was aborted (doctor: something needed is missing). */
  failed: 1,
  /** A usage or configuration error: unknown command, missing argument, bad model, no credentials. */
  usage: 2,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;
