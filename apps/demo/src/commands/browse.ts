/**
 * `bots browse "<task>"` — a stub, reserved for the browser-tool engineer, who replaces this file.
 *
 * The shape to keep: one named export
 *
 *     export async function browse(context: CommandContext): Promise<number>
 *
 * `CommandContext` (from `../command-context.ts`) gives `args` (the arguments after `browse`),
 * `env`, `cwd`, `signal` (aborted on Ctrl-C: stop, clean up, return), `stdout` / `stderr` writers
 * (already redacted) and `color`. Resolve with an exit code from `EXIT` (0 success, 1 failed,
 * 2 usage or configuration error); throw `UsageError` (`../usage.ts`) or `ConfigurationError` for
 * bad input, and the CLI prints the message and exits with 2. `../run-bot.ts` has the helpers the
 * other bot commands share (`parseBotArgs`, `runBot`, `report`).
 */
import { type CommandContext, EXIT } from '../command-context.js';

export async function browse(context: CommandContext): Promise<number> {
  context.stderr('bots browse is not available yet\n');
  return EXIT.usage;
}
