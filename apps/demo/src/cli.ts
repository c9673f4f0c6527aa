import { BotsError, ConfigurationError } from '@bots/auth';
import { MissingCredentialsError } from '@bots/providers';
import { missingCredentialsMessage } from './cli-wording.js';
import { type CommandContext, EXIT } from './command-context.js';
import { CommandFailure } from './command-failure.js';
import type { Command } from './command-spec.js';
import { batch } from './commands/batch.js';
import { browse } from './commands/browse.js';
import { copilot } from './commands/copilot.js';
import { demo } from './commands/demo.js';
import { doctor } from './commands/doctor.js';
import { logs } from './commands/logs.js';
import { read } from './commands/read.js';
import { run } from './commands/run.js';
import { worker } from './commands/worker.js';
import { write } from './commands/write.js';
import { registerEnvironmentSecrets } from './environment-secrets.js';
import { commandHelp, mainHelp } from './help.js';
import { nearestName } from './nearest-name.js';
import { UsageError } from './usage.js';
import { createWriters, type OutputStream } from './writers.js';

export type { CommandContext } from './command-context.js';
export { EXIT } from './command-context.js';

/** The commands of the CLI, in the order `bots --help` lists them. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  run,
  read,
  write,
  logs,
  browse,
  copilot,
  batch,
  worker,
  doctor,
  demo,
};

/** `bots --help`. */
export function usage(): string {
  return mainHelp(Object.values(COMMANDS).map((command) => command.spec));
}

/** Options of `main`, for embedding and tests. */
export interface MainOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdout?: OutputStream;
  stderr?: OutputStream;
  /** Handle SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code.
 * Never throws: expected errors are printed without a stack trace.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  registerEnvironmentSecrets(env);
  const writers = createWriters(
    { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr },
    env,
  );
  const { stdout, stderr } = writers;

  const [name, ...args] = argv;
  if (name === undefined) {
    stderr(usage());
    stderr('\nbots: no command given.\n');
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    const command = topic && Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
    stdout(command ? commandHelp(command.spec) : usage());
    return EXIT.success;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const near = nearestName(name, Object.keys(COMMANDS));
    stderr(
      `bots: unknown command ${JSON.stringify(name)}.${near ? ` Did you mean ${near}?` : ''} Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`bots --help\` for usage.\n`,
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
    answer: writers.answer,
    color: writers.color,
  };
  try {
    const code = await command.run(context);
    return controller.signal.aborted ? EXIT.interrupted : code;
  } catch (error) {
    if (controller.signal.aborted) return EXIT.interrupted;
    if (error instanceof UsageError) {
      const help = error.command ? `bots ${error.command} --help` : 'bots --help';
      stderr(`bots: ${error.message}\nRun \`${help}\` for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof MissingCredentialsError) {
      stderr(`bots: ${missingCredentialsMessage(error)}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigurationError) {
      stderr(`bots: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandFailure) {
      stderr(`bots: ${error.message}\n`);
      return EXIT.failed;
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
