import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError, type Env } from '@bots/auth';
import type { BotResult, Environment, MicroBot } from '@bots/core';
import type { ChatModel } from '@bots/providers';
import {
  BOT_OPTIONS,
  type ParsedArgs,
  parseCommandArgs,
  positiveInteger,
  sandboxFlag,
  timeoutMs,
} from './arguments.js';
import { type CommandContext, EXIT } from './command-context.js';
import { chooseModel } from './model-choice.js';
import { createModel, describeConnection } from './model-setup.js';
import { stepPrinter, summaryLine } from './progress.js';
import { chooseSandbox, prepareDockerImage } from './sandbox-choice.js';
import { USAGE, UsageError } from './usage.js';

/** The options shared by run, read, write and logs, checked. */
export interface BotFlags {
  model: string | undefined;
  sandbox: 'docker' | 'local' | undefined;
  maxIterations: number | undefined;
  timeoutMs: number | undefined;
  json: boolean;
}

/** Parses a bot command's arguments; `extra` adds options of its own. Returns undefined for --help. */
export function parseBotArgs(
  command: string,
  context: CommandContext,
  extra: Parameters<typeof parseCommandArgs>[2],
): { flags: BotFlags; values: ParsedArgs['values']; positionals: string[] } | undefined {
  const parsed = parseCommandArgs(command, context.args, { ...BOT_OPTIONS, ...extra });
  const values = parsed.values;
  if (values.help) {
    context.stdout(USAGE);
    return undefined;
  }
  const flags: BotFlags = {
    model: values.model as string | undefined,
    sandbox: sandboxFlag(values.sandbox as string | undefined),
    maxIterations: positiveInteger(
      'max-iterations',
      values['max-iterations'] as string | undefined,
    ),
    timeoutMs: timeoutMs(values.timeout as string | undefined),
    json: values.json === true,
  };
  return { flags, values, positionals: parsed.positionals };
}

/** Resolves a path argument and checks it is a folder (or a file). */
export function existingPath(
  context: CommandContext,
  path: string,
  kind: 'folder' | 'file',
): string {
  const absolute = resolve(context.cwd, path);
  if (!existsSync(absolute)) throw new UsageError(`No such ${kind}: ${path}`);
  const isFolder = statSync(absolute).isDirectory();
  if (kind === 'folder' && !isFolder) throw new UsageError(`${path} is not a folder.`);
  if (kind === 'file' && isFolder) throw new UsageError(`${path} is a folder; give one log file.`);
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

/**
 * The part every bot command shares: model first (configuration errors before anything starts),
 * then the sandbox (said on stderr, with the reason), the run with progress on stderr, the answer
 * (or `--json` result) on stdout, the sandbox disposed, the exit code.
 */
export async function runBot(context: CommandContext, job: BotJob): Promise<number> {
  const { flags } = job;
  const model =
    job.model ?? (await createModel(chooseModel(flags.model, context.env), context.env));
  context.stderr(`bots: model: ${describeConnection(model, job.modelEnv ?? context.env)}\n`);

  let environment: Environment | 'docker' | 'local';
  if (job.environment) {
    environment = job.environment;
  } else {
    const choice = await chooseSandbox(flags.sandbox, context.env);
    if (choice.kind === 'none') throw new ConfigurationError('No sandbox available.');
    context.stderr(`bots: sandbox: ${choice.reason}\n`);
    if (choice.kind === 'docker') await prepareDockerImage(context.stderr);
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
      ...(flags.maxIterations !== undefined ? { maxIterations: flags.maxIterations } : {}),
      ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    });
  } finally {
    await bot.dispose();
  }
  return report(context, result, flags.json);
}

/** Prints the result: summary on stderr; the answer or the JSON on stdout. Returns the exit code. */
export function report(context: CommandContext, result: BotResult, json: boolean): number {
  context.stderr(summaryLine(result, context.color));
  if (json) context.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.status === 'success') context.stdout(`${result.result ?? ''}\n`);
  if (result.status === 'success') return EXIT.success;
  if (context.signal.aborted) return EXIT.interrupted;
  if (result.error?.name === 'ConfigurationError') return EXIT.usage;
  return EXIT.failed;
}
