import { BotsError, ConfigurationError, redact } from '@bots/auth';
import { type Command, type CommandContext, EXIT } from './command-context.js';
import { browse } from './commands/browse.js';
import { demo } from './commands/demo.js';
import { doctor } from './commands/doctor.js';
import { logs } from './commands/logs.js';
import { read } from './commands/read.js';
import { run } from './commands/run.js';
import { write } from './commands/write.js';
import { USAGE, UsageError } from './usage.js';

export type { CommandContext } from './command-context.js';
export { EXIT } from './command-context.js';

/** The commands of the CLI. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  run,
  read,
  write,
  logs,
  browse,
  doctor,
  demo,
};

/** Options of `main`, for embedding and tests. */
export interface MainOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Handle SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code.
 * Never throws: expected errors are printed without a stack trace.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const stdoutStream = options.stdout ?? process.stdout;
  const stderrStream = options.stderr ?? process.stderr;
  const stdout = (text: string) => void stdoutStream.write(redact(text));
  const stderr = (text: string) => void stderrStream.write(redact(text));
  const env = options.env ?? process.env;
  const color = Boolean(stderrStream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';

  const [name, ...args] = argv;
  if (name === undefined) {
    stderr(USAGE);
    stderr('\nbots: no command given.\n');
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    stdout(USAGE);
    return EXIT.success;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    stderr(
      `bots: unknown command ${JSON.stringify(name)}. Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`bots --help\` for usage.\n`,
    );
    return EXIT.usage;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      stderr('bots: interrupted again, exiting now.\n');
      process.exit(EXIT.interrupted);
    }
    stderr(
      `\nbots: ${signal === 'SIGINT' ? 'interrupted' : signal}: stopping the run and removing the sandbox (Ctrl-C again to quit at once).\n`,
    );
    controller.abort(new Error(`Interrupted by ${signal}.`));
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const context: CommandContext = {
    args,
    env,
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
    stdout,
    stderr,
    color,
  };
  try {
    const code = await command(context);
    return controller.signal.aborted ? EXIT.interrupted : code;
  } catch (error) {
    if (controller.signal.aborted) return EXIT.interrupted;
    if (error instanceof UsageError) {
      stderr(`bots: ${error.message}\nRun \`bots --help\` for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigurationError) {
      stderr(`bots: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof BotsError) {
      stderr(`bots: ${error.name}: ${error.message}\n`);
      return EXIT.failed;
    }
    const detail =
      env.BOTS_DEBUG && error instanceof Error
        ? (error.stack ?? error.message)
        : String(error instanceof Error ? error.message : error);
    stderr(
      `bots: unexpected error: ${detail}\n${env.BOTS_DEBUG ? '' : '(set BOTS_DEBUG=1 for the stack trace)\n'}`,
    );
    return EXIT.failed;
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
