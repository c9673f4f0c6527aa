import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError, type Env, errorKindOf } from '@bots/auth';
import type { BotResult, Environment, MicroBot } from '@bots/core';
import type { ChatModel } from '@bots/providers';
import type { BOT_OPTIONS } from './bot-options.js';
import { cliResult, type RunLimits } from './cli-wording.js';
import { type CommandContext, EXIT } from './command-context.js';
import { jsonOutput } from './json-output.js';
import { chooseModel } from './model-choice.js';
import { createModel, describeConnection, type ModelSetup } from './model-setup.js';
import { watchModel } from './model-watch.js';
import type { OptionValues } from './option-table.js';
import { retryLine, stepPrinter, summaryLine, waitingLine } from './progress.js';
import { prepareSandbox } from './sandbox-choice.js';
import { UsageError } from './usage.js';

/** The options shared by the bot commands, checked. */
export interface BotFlags {
  model: string | undefined;
  sandbox: 'docker' | 'local' | undefined;
  maxIterations: number | undefined;
  /** `--timeout` (or its default), in milliseconds. */
  timeoutMs: number;
  /** Whether `--timeout` was given. */
  timeoutGiven: boolean;
  /** `--request-timeout` (or its default), in milliseconds. */
  requestTimeoutMs: number;
  /** `--command-timeout`, in milliseconds, when given. */
  commandTimeoutMs: number | undefined;
  json: boolean;
}

/** The bot flags from parsed option values. */
export function botFlags(
  values: OptionValues<typeof BOT_OPTIONS>,
  given: ReadonlySet<string>,
): BotFlags {
  return {
    model: values.model,
    sandbox: values.sandbox,
    maxIterations: values['max-iterations'],
    timeoutMs: values.timeout,
    timeoutGiven: given.has('timeout'),
    requestTimeoutMs: values['request-timeout'],
    commandTimeoutMs: values['command-timeout'],
    json: values.json,
  };
}

/** Resolves a path argument and checks it is a folder (or a file). */
export function existingPath(
  context: CommandContext,
  command: string,
  path: string,
  kind: 'folder' | 'file',
): string {
  const absolute = resolve(context.cwd, path);
  if (!existsSync(absolute)) {
    throw new UsageError(
      `no such ${kind}: ${path}. Give the path of an existing ${kind}.`,
      command,
    );
  }
  const isFolder = statSync(absolute).isDirectory();
  if (kind === 'folder' && !isFolder)
    throw new UsageError(`${path} is a file, not a folder. Give the folder it is in.`, command);
  if (kind === 'file' && isFolder)
    throw new UsageError(`${path} is a folder; give one log file.`, command);
  return absolute;
}

/** What a command adds to the shared bot runner. */
export interface BotJob {
  flags: BotFlags;
  /** A chat model built beforehand (the demo's), else one is built from `flags.model`. */
  model?: ChatModel;
  /**
   * The sandbox when the caller chose it (the demo): a kind, or a sandbox the caller owns and
   * disposes. Else one is chosen from `flags.sandbox` and said on stderr.
   */
  environment?: Environment | 'docker' | 'local';
  /** The env the model was configured from, for the header line (default the context's). */
  modelEnv?: Env;
  /** What the bot works on, for the header line, e.g. `ReadingBot on ./docs (read-only)`. */
  describe: string;
  /** Makes the bot; `environment` is the sandbox kind or the caller's sandbox. */
  createBot(options: { model: ChatModel; environment: Environment | 'docker' | 'local' }): MicroBot;
  /** Runs it. */
  run(bot: MicroBot, options: Parameters<MicroBot['run']>[1]): Promise<BotResult>;
}

/** What the CLI gives `createChatModel`: `--request-timeout`, and a line on stderr per retry. */
export function modelSetup(
  context: CommandContext,
  flags: Pick<BotFlags, 'requestTimeoutMs'>,
): ModelSetup {
  return {
    requestTimeoutMs: flags.requestTimeoutMs,
    onRetry: (retry) => context.stderr(retryLine(retry, context.color)),
  };
}

/**
 * The part every bot command shares: model first (configuration errors before anything starts),
 * then the sandbox (said on stderr, with the reason), the run with progress on stderr (and a
 * line every few seconds while the model is thinking), the answer (or `--json` result) on
 * stdout, the sandbox disposed, the exit code.
 */
export async function runBot(context: CommandContext, job: BotJob): Promise<number> {
  const { flags } = job;
  const modelString = job.model ? undefined : chooseModel(flags.model, context.env);
  const built =
    job.model ??
    (await createModel(modelString as string, context.env, modelSetup(context, flags)));
  context.stderr(`bots: model: ${describeConnection(built, job.modelEnv ?? context.env)}\n`);
  const model = watchModel(built, (line) => context.stderr(waitingLine(line, context.color)));

  let environment: Environment | 'docker' | 'local';
  if (job.environment) {
    environment = job.environment;
  } else {
    const choice = await prepareSandbox(flags.sandbox, context.env, context.stderr);
    if (choice.kind === 'none') throw new ConfigurationError('No sandbox available.');
    environment = choice.kind;
  }
  context.signal.throwIfAborted();
  context.stderr(`bots: ${job.describe}\n`);

  const bot = job.createBot({ model, environment });
  let result: BotResult;
  try {
    result = await job.run(bot, {
      signal: context.signal,
      onStep: stepPrinter(context.stderr, context.color),
      timeoutMs: flags.timeoutMs,
      ...(flags.maxIterations !== undefined ? { maxIterations: flags.maxIterations } : {}),
      ...(flags.commandTimeoutMs !== undefined ? { commandTimeoutMs: flags.commandTimeoutMs } : {}),
    });
  } finally {
    await bot.dispose();
  }
  const limits: RunLimits = {
    timeoutMs: flags.timeoutMs,
    timeoutGiven: flags.timeoutGiven,
    requestTimeoutMs: flags.requestTimeoutMs,
    model: modelString ?? `${built.provider}/${built.name}`,
    ...(built.connection?.endpoint ? { endpoint: built.connection.endpoint } : {}),
  };
  return report(context, cliResult(result, limits), flags.json);
}

/**
 * Prints the result: summary on stderr; the answer or the JSON on stdout. Returns the exit code,
 * by the error's kind: 2 for a configuration error (of any class: `MissingDependencyError`,
 * `MissingCredentialsError` ...), 1 for every other failure, 130 when interrupted.
 */
export function report(context: CommandContext, result: BotResult, json: boolean): number {
  context.stderr(summaryLine(result, context.color));
  if (json) context.answer(jsonOutput(result));
  else if (result.status === 'success') context.answer(`${result.result ?? ''}\n`);
  if (result.status === 'success') return EXIT.success;
  if (context.signal.aborted) return EXIT.interrupted;
  if (result.error && errorKindOf(result.error) === 'configuration') return EXIT.usage;
  return EXIT.failed;
}
