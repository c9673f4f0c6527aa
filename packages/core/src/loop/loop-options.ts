import {
  ConfigurationError,
  checkBoolean,
  checkDuration,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkString,
  type TokenProvider,
} from '@bots/auth';
import type { ChatModel } from '@bots/providers';
import type { Environment } from '../environment.js';
import type { Step } from './bot-result.js';
import { DEFAULT_MAX_OUTPUT_CHARS } from './cap-for-model.js';
import { IterationBudget } from './iteration-budget.js';
import type { BotTool } from './tool.js';
import { validateTools } from './validate-tools.js';

/** Default `maxIterations` of a run. */
export const DEFAULT_MAX_ITERATIONS = 20;
/** Default per-command timeout, in milliseconds. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
/** Default number of corrective messages sent in a row before a run fails with `ModelFormatError`. */
export const DEFAULT_MAX_FORMAT_CORRECTIONS = 3;

/** Options of one run of a bot. */
export interface BotRunOptions {
  /** Most model calls the run may make (replies that break the format count). Default 20. */
  maxIterations?: number;
  /**
   * A budget shared with other runs (`AgentBoss` shares its budget with its sub-bots). When
   * given, `maxIterations` is ignored.
   */
  budget?: IterationBudget;
  /**
   * Time limit of the whole run, in milliseconds. When it passes, the model call or command in
   * flight is aborted and the run ends with status `timeout`. Default: none.
   */
  timeoutMs?: number;
  /** Aborts the run (the model call or command in flight too); the run ends with status `aborted`. */
  signal?: AbortSignal;
  /** Called after every step, in order. Errors it throws are ignored. */
  onStep?: (step: Step) => void;
  /** Kill a command after this many milliseconds; it is reported as exit code 124. Default 60 s. */
  commandTimeoutMs?: number;
  /**
   * Record the task, the messages sent to the model, its replies, the commands and the answer in
   * the run's OpenTelemetry spans (default `false`: spans then hold counts, names and durations
   * only). They can hold whatever the model saw (file contents, secrets of the user's own that the
   * library does not know of): turn it on only where traces are kept as safely as the data.
   */
  traceContent?: boolean;
}

/** The names of {@link BotRunOptions}. */
export const BOT_RUN_OPTION_NAMES = [
  'maxIterations',
  'budget',
  'timeoutMs',
  'signal',
  'onStep',
  'commandTimeoutMs',
  'traceContent',
] as const;

/** Everything the loop needs: the conversation's start, the model, the sandbox and the limits. */
export interface AgentLoopOptions extends BotRunOptions {
  /** The task, sent as the first user message. */
  task: string;
  /** The system prompt (see `buildSystemPrompt`). */
  systemPrompt: string;
  /** The chat model, or a function that creates it (called once, inside the run). */
  model: ChatModel | (() => Promise<ChatModel>);
  /**
   * The sandbox, or a function that creates it (called at the first command, inside the run, so a
   * run that answers without commands never starts a sandbox). The loop never disposes it.
   */
  environment: Environment | ((signal: AbortSignal) => Promise<Environment>);
  /** Tools the model may call. */
  tools?: readonly BotTool[];
  /** Most characters of one command's output sent to the model. Default 8000. */
  maxOutputChars?: number;
  /** Corrective messages sent in a row before the run fails. Default 3. */
  maxFormatCorrections?: number;
  /** Handed to tools. */
  tokenProvider?: TokenProvider;
  /** 0 for a top-level run; a sub-bot's run is one deeper. */
  depth?: number;
  /** Names the bot in the run's span (`ReadingBot`); default `agent-loop`, or `sub-bot` deeper. */
  botName?: string;
}

/** The checked options of one run, with the defaults filled in. */
export interface LoopSettings {
  /** Most model calls (used when no shared budget is given). */
  maxIterations: number;
  /** Per-command timeout, in milliseconds. */
  commandTimeoutMs: number;
  /** Most characters of one command's output sent to the model. */
  maxOutputChars: number;
  /** Corrective messages sent in a row before the run fails. */
  maxFormatCorrections: number;
  /** The checked tools. */
  tools: readonly BotTool[];
}

const LOOP_OPTION_NAMES = [
  'task',
  'systemPrompt',
  'model',
  'environment',
  'tools',
  'maxOutputChars',
  'maxFormatCorrections',
  'tokenProvider',
  'depth',
  'botName',
  ...BOT_RUN_OPTION_NAMES,
] as const;

/**
 * Checks the options of one run (`run(task, options)`): known keys, and each value with the
 * shared checks of `@bots/auth`. Throws a `ConfigurationError` naming the option, the value and
 * the fix.
 */
export function checkRunOptions(options: unknown, name = 'run options'): BotRunOptions {
  const record = checkObject(
    options,
    name,
    'Pass an object such as { timeoutMs: 600000 }, or nothing.',
  );
  checkKnownKeys(record, name, BOT_RUN_OPTION_NAMES);
  checkRunValues(record);
  return record as BotRunOptions;
}

function checkRunValues(options: Record<string, unknown>): void {
  const { maxIterations, budget, timeoutMs, signal, onStep, commandTimeoutMs, traceContent } =
    options;
  if (maxIterations !== undefined) {
    checkInteger(maxIterations, 'maxIterations', {
      min: 1,
      hint: 'It is the most model calls of the run, e.g. { maxIterations: 20 }.',
    });
  }
  if (budget !== undefined && !(budget instanceof IterationBudget)) {
    throw new ConfigurationError(
      'budget must be an IterationBudget (new IterationBudget(20)), but got another value. Pass maxIterations instead, or the budget a tool received.',
    );
  }
  if (timeoutMs !== undefined) {
    checkDuration(timeoutMs, 'timeoutMs', {
      hint: 'It is the time limit of the whole run, e.g. 600000 (10 minutes); leave it out for none.',
    });
  }
  if (commandTimeoutMs !== undefined) {
    checkDuration(commandTimeoutMs, 'commandTimeoutMs', {
      hint: 'It is the time limit of one command, e.g. 60000 (1 minute).',
    });
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigurationError(
      'signal must be an AbortSignal (e.g. new AbortController().signal), but got another value.',
    );
  }
  if (onStep !== undefined) checkFunction(onStep, 'onStep', 'Pass (step) => void.');
  if (traceContent !== undefined) {
    checkBoolean(
      traceContent,
      'traceContent',
      'It records prompts, replies and commands in trace spans: true, or leave it out.',
    );
  }
}

/** Checks the loop's options; throws a `ConfigurationError` naming the bad option. */
export function validateLoopOptions(options: AgentLoopOptions): LoopSettings {
  const record = checkObject(options, 'runAgentLoop options');
  checkKnownKeys(record, 'runAgentLoop options', LOOP_OPTION_NAMES);
  if (typeof options.task !== 'string' || options.task.trim() === '') {
    throw new ConfigurationError(
      `The task must be a non-empty string, but got ${describeTask(options.task)}. Pass it as run(task).`,
    );
  }
  checkString(options.systemPrompt, 'systemPrompt', { hint: 'See buildSystemPrompt.' });
  checkRunValues(record);
  const model = options.model;
  if (typeof model !== 'function' && typeof (model as ChatModel | null)?.complete !== 'function') {
    throw new ConfigurationError(
      'model must be a ChatModel (an object with complete()) or a function that creates one.',
    );
  }
  const environment = options.environment;
  if (
    typeof environment !== 'function' &&
    typeof (environment as Environment | null)?.execute !== 'function'
  ) {
    throw new ConfigurationError(
      'environment must be an Environment (start, execute, copyIn, dispose) or a function that creates one.',
    );
  }
  if (options.tokenProvider !== undefined) {
    checkFunction(options.tokenProvider, 'tokenProvider', 'Pass () => Promise<string>.');
  }
  if (options.depth !== undefined) checkInteger(options.depth, 'depth', { min: 0 });
  if (options.botName !== undefined) checkString(options.botName, 'botName', { nonEmpty: true });
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const maxOutputChars = checkInteger(
    options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
    'maxOutputChars',
    {
      min: 200,
      hint: 'It needs room for the head, the tail and the marker, e.g. 8000.',
    },
  );
  const maxFormatCorrections = checkInteger(
    options.maxFormatCorrections ?? DEFAULT_MAX_FORMAT_CORRECTIONS,
    'maxFormatCorrections',
    { min: 0, hint: 'It is how many corrective messages are sent in a row, e.g. 3.' },
  );
  const tools = validateTools(options.tools ?? []);
  return { maxIterations, commandTimeoutMs, maxOutputChars, maxFormatCorrections, tools };
}

function describeTask(task: unknown): string {
  if (typeof task === 'string') return 'an empty string';
  return task === undefined ? 'nothing' : task === null ? 'null' : `a ${typeof task}`;
}
