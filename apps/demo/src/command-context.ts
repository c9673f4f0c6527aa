import type { Env } from '@bots/auth';

/**
 * Writes text to one of the CLI's streams. What is written is redacted (no token or key) and made
 * safe for a terminal (`terminalSafe`: no escape sequence of the model's or the sandbox's acts);
 * the CLI's own colours (`style`) are rendered, or dropped when the stream has none.
 */
export type Writer = (text: string) => void;

/**
 * What every command of the `bots` CLI gets. A command (`Command` in `command-spec.ts`) is its
 * spec and `run(context: CommandContext): Promise<number>`, which resolves with the process exit
 * code (see `EXIT`). Throw a `UsageError` or a `ConfigurationError` (from `@bots/auth`) for bad input
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
  /** The CLI's own output on stdout (help, doctor's report). Redacted, safe for a terminal. */
  readonly stdout: Writer;
  /**
   * The answer of a run, or `--json` output, on stdout: the user's data, so only the secrets the
   * library holds are masked and, when stdout is a terminal, its control characters are shown
   * visibly; written as it is to a file or a pipe.
   */
  readonly answer: Writer;
  /** Progress, notes and errors. Redacted, safe for a terminal. */
  readonly stderr: Writer;
  /** True when stderr shows colours (a terminal, NO_COLOR unset; or FORCE_COLOR): `style(color)`. */
  readonly color: boolean;
}

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
