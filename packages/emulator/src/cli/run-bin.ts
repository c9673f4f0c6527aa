import type { Emulator } from '../emulator.js';
import { startEmulator } from '../start-emulator.js';
import { BinUsageError, binHelp, parseBinArguments } from './bin-options.js';
import { collectEnvironment, formatExports } from './printed-environment.js';

/** Where `runBin` writes, and the process whose signals stop it. */
export interface BinIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signals: Pick<NodeJS.Process, 'once' | 'off'>;
}

/**
 * `bots-emulator`: starts an emulator, prints its environment (stdout) and a banner (stderr),
 * serves until SIGINT or SIGTERM, then closes it (and its temporary folders). Resolves with the
 * exit code: 0 after a signal or `--help`, 2 for a bad flag, 1 when the emulator cannot start.
 */
export async function runBin(
  commandLine: readonly string[],
  io: BinIo = { stdout: process.stdout, stderr: process.stderr, signals: process },
): Promise<number> {
  let options: ReturnType<typeof parseBinArguments>;
  try {
    options = parseBinArguments(commandLine);
  } catch (error) {
    if (!(error instanceof BinUsageError)) throw error;
    io.stderr.write(`bots-emulator: ${error.message}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(binHelp());
    return 0;
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.authorityPort === undefined ? {} : { authorityPort: options.authorityPort }),
      ...(options.tokenLifetimeSeconds === undefined
        ? {}
        : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
      ...(options.script === undefined ? {} : { script: options.script }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`bots-emulator: could not start: ${message}\n`);
    return 1;
  }
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: string) => {
      io.signals.off('SIGINT', onSignal);
      io.signals.off('SIGTERM', onSignal);
      resolve(signal);
    };
    io.signals.once('SIGINT', onSignal);
    io.signals.once('SIGTERM', onSignal);
  });
  try {
    const context = { emulator, cliStandIns: emulator.writeCliStandIns() };
    io.stdout.write(
      options.json ? `${JSON.stringify(collectEnvironment(context))}\n` : formatExports(context),
    );
    io.stderr.write(banner(emulator, context.cliStandIns.folder));
    const signal = await stopped;
    io.stderr.write(`bots-emulator: ${signal}, stopping.\n`);
  } finally {
    await emulator.close();
  }
  return 0;
}

function banner(emulator: Emulator, standIns: string): string {
  return [
    `@bots/emulator is listening on ${emulator.urls.base} (Ollama on ${emulator.urls.ollama}).`,
    `  managed identity: GET ${emulator.urls.identity}?resource=...&api-version=2019-08-01 with X-IDENTITY-HEADER: $IDENTITY_HEADER`,
    `  Azure OpenAI: ${emulator.urls.azureOpenAI}/openai/deployments/<name>/chat/completions?api-version=${emulator.apiVersion}`,
    `  az and azd stand-ins: ${standIns}`,
    '  API keys are not exported (clients then use tokens); the defaults are in the README.',
    `Press Ctrl+C to stop (or: kill -INT ${process.pid}).`,
    '',
  ].join('\n');
}
