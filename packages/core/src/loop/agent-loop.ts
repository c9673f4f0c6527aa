import {
  BotsError,
  ConfigurationError,
  checkDuration,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkString,
  redact,
  redactForModel,
  type TokenProvider,
} from '@bots/auth';
import type { ChatMessage, ChatModel, ChatUsage } from '@bots/providers';
import type { CommandResult, Environment } from '../environment.js';
import { SandboxError } from '../sandbox/errors.js';
import { childController, raceSignal } from './abort.js';
import type { BotError, BotResult, Step } from './bot-result.js';
import { capOutput, DEFAULT_MAX_OUTPUT_CHARS } from './cap-output.js';
import {
  MaxIterationsError,
  ModelCallError,
  ModelFormatError,
  RunAbortedError,
  RunTimeoutError,
} from './errors.js';
import { IterationBudget } from './iteration-budget.js';
import { correctiveMessage, parseReply } from './protocol.js';
import type { BotTool, ToolContext, ToolResult } from './tool.js';

/** Default `maxIterations` of a run. */
export const DEFAULT_MAX_ITERATIONS = 20;
/** Default per-command timeout, in milliseconds. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
/** Default number of corrective messages sent in a row before a run fails with `ModelFormatError`. */
export const DEFAULT_MAX_FORMAT_CORRECTIONS = 3;

/** Extra time a sandbox gets past `commandTimeoutMs` before the loop gives up on the command itself. */
const COMMAND_TIMEOUT_GRACE_MS = 2_000;

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
}

/** The names of {@link BotRunOptions}. */
export const BOT_RUN_OPTION_NAMES = [
  'maxIterations',
  'budget',
  'timeoutMs',
  'signal',
  'onStep',
  'commandTimeoutMs',
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
}

interface Outcome {
  exitCode: number;
  output: string;
  timedOut: boolean;
  truncated: boolean;
  durationMs: number;
  subSteps?: readonly Step[];
}

/** Ends the run as `failed` with this error. */
class RunFailure extends Error {
  constructor(readonly failure: BotError) {
    super(failure.message);
  }
}

/**
 * Runs the protocol until the model answers or a limit is hit. Never rejects for model or
 * sandbox failures: they end the run with status `failed` and a redacted error. Rejects with a
 * `ConfigurationError` for invalid options only.
 *
 * What the model reads and what the steps record of it (the task, command output, tool output,
 * the model's own thoughts, commands and answer) is the user's data: it goes through
 * `redactForModel` (only the secrets the library holds, and token-shaped strings), never the
 * name-based masking of `redact`, so `if (password === stored)` reaches the model as written.
 * Error messages are the library's own and go through `redact`.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<BotResult> {
  const settings = validateLoopOptions(options);
  const startedAt = performance.now();
  const depth = options.depth ?? 0;
  const budget = options.budget ?? new IterationBudget(settings.maxIterations);
  const steps: Step[] = [];
  const usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
  let iterations = 0;

  const controller = new AbortController();
  const runSignal = controller.signal;
  const userSignal = options.signal;
  const onUserAbort = () => controller.abort(abortedError(userSignal?.reason));
  if (userSignal?.aborted) onUserAbort();
  else userSignal?.addEventListener('abort', onUserAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new RunTimeoutError(
                `The run did not finish within its timeout of ${formatDuration(options.timeoutMs ?? 0)} (timeoutMs); the work in flight was aborted after ${iterations} model call(s). Raise timeoutMs or simplify the task.`,
              ),
            ),
          options.timeoutMs,
        );

  const notify = (step: Step) => {
    try {
      options.onStep?.(step);
    } catch {
      // A failing progress callback must not break the run.
    }
  };
  const record = (step: Step) => {
    steps.push(step);
    notify(step);
  };
  const finish = (status: BotResult['status'], result?: string, error?: BotError): BotResult => ({
    status,
    result,
    error,
    steps,
    iterations,
    usage,
    durationMs: Math.round(performance.now() - startedAt),
  });

  let model: ChatModel | undefined;
  let environment: Environment | undefined;
  let environmentStarted = false;
  const getEnvironment = async (): Promise<Environment> => {
    try {
      if (!environment) {
        const source = options.environment;
        environment =
          typeof source === 'function'
            ? await raceSignal(() => source(runSignal), runSignal)
            : source;
      }
      if (!environmentStarted) {
        const started = environment;
        await raceSignal(() => started.start({ signal: runSignal }), runSignal);
        environmentStarted = true;
      }
      return environment;
    } catch (error) {
      if (runSignal.aborted) throw error;
      throw new RunFailure(
        errorOf(
          error,
          SandboxError,
          `The sandbox could not be started: ${messageOf(error)}. Check that the sandbox (Docker engine or bubblewrap) is available, or pass another environment.`,
        ),
      );
    }
  };

  try {
    try {
      const source = options.model;
      model = typeof source === 'function' ? await raceSignal(source, runSignal) : source;
    } catch (error) {
      if (runSignal.aborted) throw error;
      throw new RunFailure(
        errorOf(error, ModelCallError, `The chat model could not be created: ${messageOf(error)}`),
      );
    }
    const chatModel = model;
    const messages: ChatMessage[] = [
      { role: 'system', content: options.systemPrompt },
      { role: 'user', content: redactForModel(options.task) },
    ];
    let corrections = 0;

    for (;;) {
      if (runSignal.aborted) throw runSignal.reason;
      if (!budget.take()) {
        throw new RunFailure({
          name: MaxIterationsError.name,
          message:
            budget === options.budget
              ? `The shared budget of ${budget.limit} iterations (maxIterations of the parent run) is used up; this run made ${iterations} model call(s) without an answer.`
              : `The run reached its limit of ${budget.limit} iterations (maxIterations) without an answer. Raise maxIterations or split the task.`,
        });
      }
      iterations++;
      const modelStartedAt = performance.now();
      let text: string;
      let stepUsage: ChatUsage | undefined;
      // Each call gets a signal of its own, linked to the run's: SDKs add an abort listener to the
      // signal of every request and never remove it (openai's fetchWithTimeout), which on the
      // run's signal would pile up one listener per model call for the whole run.
      const call = childController(runSignal);
      try {
        const response = await raceSignal(
          () =>
            chatModel.complete({
              messages: [...messages],
              json: true,
              signal: call.controller.signal,
            }),
          runSignal,
        );
        text = typeof response?.text === 'string' ? response.text : '';
        stepUsage = response?.usage;
      } catch (error) {
        if (runSignal.aborted) throw runSignal.reason;
        throw new RunFailure(
          errorOf(error, ModelCallError, `The model call failed: ${messageOf(error)}`),
        );
      } finally {
        call.release();
      }
      const modelDurationMs = Math.round(performance.now() - modelStartedAt);
      if (stepUsage) addUsage(usage, stepUsage);
      messages.push({ role: 'assistant', content: redactForModel(text) });

      const parsed = parseReply(text);
      const index = steps.length;
      if (!parsed.ok) {
        record({
          index,
          depth,
          kind: 'format-error',
          thoughts: '',
          command: '',
          problem: redactForModel(parsed.problem),
          reply: capOutput(redactForModel(text), 2_000).text,
          modelDurationMs,
          usage: stepUsage,
        });
        if (corrections >= settings.maxFormatCorrections) {
          throw new RunFailure({
            name: ModelFormatError.name,
            message: redact(
              `The model broke the reply format ${corrections + 1} times in a row, after ${corrections} corrective message(s); the last problem: ${parsed.problem}. Use a model that follows JSON instructions, or check its deployment.`,
            ),
          });
        }
        corrections++;
        messages.push({
          role: 'user',
          content: correctiveMessage(parsed.problem, corrections, settings.maxFormatCorrections),
        });
        continue;
      }
      corrections = 0;
      const { reply } = parsed;
      if (reply.taskDone) {
        const answer = redactForModel(reply.thoughts);
        record({
          index,
          depth,
          kind: 'answer',
          thoughts: answer,
          command: '',
          modelDurationMs,
          usage: stepUsage,
        });
        return finish('success', answer);
      }

      const tool = findTool(settings.tools, reply.command);
      const outcome = tool
        ? await runTool(tool, reply.command.slice(tool.name.length).trim(), {
            runSignal,
            getEnvironment,
            model: chatModel,
            budget,
            commandTimeoutMs: settings.commandTimeoutMs,
            tokenProvider: options.tokenProvider,
            depth,
            onStep: notify,
          })
        : await runCommand(reply.command, await getEnvironment(), runSignal, settings);
      const capped = capOutput(
        redactForModel(preCap(outcome.output, settings.maxOutputChars)),
        settings.maxOutputChars,
      );
      for (const subStep of outcome.subSteps ?? [])
        if (subStep.usage) addUsage(usage, subStep.usage);
      const step: Step = {
        index,
        depth,
        kind: tool ? 'tool' : 'command',
        thoughts: redactForModel(reply.thoughts),
        command: redactForModel(reply.command),
        exitCode: outcome.exitCode,
        output: capped.text,
        timedOut: outcome.timedOut,
        truncated: outcome.truncated || capped.truncated,
        modelDurationMs,
        commandDurationMs: outcome.durationMs,
        usage: stepUsage,
      };
      if (tool) step.tool = tool.name;
      if (outcome.subSteps) step.subSteps = outcome.subSteps;
      record(step);
      messages.push({
        role: 'user',
        content: feedbackMessage(step, tool, settings.commandTimeoutMs),
      });
    }
  } catch (error) {
    if (error instanceof RunFailure) return finish('failed', undefined, error.failure);
    if (runSignal.aborted) {
      const reason: unknown = runSignal.reason;
      const status = reason instanceof RunTimeoutError ? 'timeout' : 'aborted';
      return finish(status, undefined, {
        name: reason instanceof Error ? reason.name : RunAbortedError.name,
        message: redact(reason instanceof Error ? reason.message : String(reason)),
      });
    }
    return finish('failed', undefined, {
      name: error instanceof Error ? error.name : 'Error',
      message: redact(`The run failed unexpectedly: ${messageOf(error)}`),
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    userSignal?.removeEventListener('abort', onUserAbort);
    if (!runSignal.aborted) controller.abort(new RunAbortedError('The run has ended.'));
  }
}

interface LoopSettings {
  maxIterations: number;
  commandTimeoutMs: number;
  maxOutputChars: number;
  maxFormatCorrections: number;
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
  const { maxIterations, budget, timeoutMs, signal, onStep, commandTimeoutMs } = options;
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

const TOOL_NAME = /^[a-z][a-z0-9_-]*$/;

/** Checks tool definitions: valid, unique names, a description, an `invoke` function. */
export function validateTools(tools: readonly BotTool[]): readonly BotTool[] {
  if (!Array.isArray(tools)) {
    throw new ConfigurationError(
      'tools must be an array of tools, e.g. [browserTool()], but got another value.',
    );
  }
  const names = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    checkObject(tool, `tools[${index}]`, 'A tool is { name, description, invoke }.');
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      throw new ConfigurationError(
        `A tool name must be one lowercase word (letters, digits, - and _, starting with a letter), but got ${JSON.stringify(tool?.name)}.`,
      );
    }
    if (names.has(tool.name)) {
      throw new ConfigurationError(
        `Two tools are named "${tool.name}"; tool names must be unique.`,
      );
    }
    names.add(tool.name);
    if (typeof tool.description !== 'string' || tool.description.trim() === '') {
      throw new ConfigurationError(`The tool "${tool.name}" needs a description for the model.`);
    }
    if (typeof tool.invoke !== 'function') {
      throw new ConfigurationError(
        `The tool "${tool.name}" needs an invoke(input, context) function.`,
      );
    }
    if (tool.timeoutMs !== undefined) {
      checkDuration(tool.timeoutMs, `timeoutMs of the tool "${tool.name}"`, {
        hint: "It is the time limit of one call of the tool; leave it out for the run's own limit.",
      });
    }
  }
  return tools;
}

function findTool(tools: readonly BotTool[], command: string): BotTool | undefined {
  const firstWord = command.split(/\s/, 1)[0];
  return tools.find((tool) => tool.name === firstWord);
}

async function runCommand(
  command: string,
  environment: Environment,
  runSignal: AbortSignal,
  settings: LoopSettings,
): Promise<Outcome> {
  const { controller, release } = childController(runSignal);
  const startedAt = performance.now();
  const backstop = setTimeout(
    () => controller.abort(new Error('command timeout backstop')),
    settings.commandTimeoutMs + COMMAND_TIMEOUT_GRACE_MS,
  );
  try {
    const result: CommandResult = await raceSignal(
      () =>
        environment.execute(command, {
          timeoutMs: settings.commandTimeoutMs,
          signal: controller.signal,
        }),
      controller.signal,
    );
    return {
      exitCode: result.timedOut ? 124 : result.exitCode,
      output: typeof result.output === 'string' ? result.output : '',
      timedOut: result.timedOut === true,
      truncated: result.truncated === true,
      durationMs: Math.round(result.durationMs ?? performance.now() - startedAt),
    };
  } catch (error) {
    if (runSignal.aborted) throw runSignal.reason;
    if (controller.signal.aborted) {
      return {
        exitCode: 124,
        output: '',
        timedOut: true,
        truncated: false,
        durationMs: Math.round(performance.now() - startedAt),
      };
    }
    throw new RunFailure(
      errorOf(error, SandboxError, `The sandbox failed to run a command: ${messageOf(error)}`),
    );
  } finally {
    clearTimeout(backstop);
    release();
  }
}

interface ToolRunContext {
  runSignal: AbortSignal;
  getEnvironment: () => Promise<Environment>;
  model: ChatModel;
  budget: IterationBudget;
  commandTimeoutMs: number;
  tokenProvider: TokenProvider | undefined;
  depth: number;
  onStep: (step: Step) => void;
}

async function runTool(tool: BotTool, input: string, context: ToolRunContext): Promise<Outcome> {
  const { runSignal } = context;
  const environment = await context.getEnvironment();
  const { controller, release } = childController(runSignal);
  const timer =
    tool.timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error('tool timeout')), tool.timeoutMs);
  const startedAt = performance.now();
  const toolContext: ToolContext = {
    signal: controller.signal,
    environment,
    model: context.model,
    budget: context.budget,
    commandTimeoutMs: context.commandTimeoutMs,
    tokenProvider: context.tokenProvider,
    depth: context.depth,
    onStep: context.onStep,
  };
  const elapsed = () => Math.round(performance.now() - startedAt);
  try {
    const value = await raceSignal(() => tool.invoke(input, toolContext), controller.signal);
    const result: ToolResult = typeof value === 'string' ? { output: value } : value;
    const outcome: Outcome = {
      exitCode: result.exitCode ?? 0,
      output: typeof result.output === 'string' ? result.output : String(result.output),
      timedOut: false,
      truncated: false,
      durationMs: elapsed(),
    };
    if (result.steps) outcome.subSteps = result.steps;
    return outcome;
  } catch (error) {
    if (runSignal.aborted) throw runSignal.reason;
    if (controller.signal.aborted) {
      return { exitCode: 124, output: '', timedOut: true, truncated: false, durationMs: elapsed() };
    }
    return {
      exitCode: 1,
      output: `The tool "${tool.name}" failed: ${messageOf(error)}`,
      timedOut: false,
      truncated: false,
      durationMs: elapsed(),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    release();
  }
}

function feedbackMessage(step: Step, tool: BotTool | undefined, commandTimeoutMs: number): string {
  const lines: string[] = [];
  if (step.timedOut) {
    const limit = tool ? (tool.timeoutMs ?? 0) : commandTimeoutMs;
    lines.push(
      `The ${tool ? 'tool call' : 'command'} did not finish within ${formatDuration(limit)} and was killed (exit code 124). Run something quicker, limit its input, or put long jobs in the background.`,
    );
  }
  lines.push(`Exit code: ${step.exitCode}`);
  const output = step.output ?? '';
  lines.push(output === '' ? 'Output: (none)' : `Output:\n${output}`);
  return lines.join('\n');
}

/** Keeps redaction cheap on huge output: cut to a generous size first (head and tail kept). */
function preCap(output: string, maxChars: number): string {
  return output.length > maxChars * 4 ? capOutput(output, maxChars * 4).text : output;
}

function addUsage(total: ChatUsage, add: ChatUsage): void {
  total.inputTokens += Number(add.inputTokens) || 0;
  total.outputTokens += Number(add.outputTokens) || 0;
}

function abortedError(reason: unknown): RunAbortedError {
  if (reason instanceof RunAbortedError) return reason;
  const detail =
    reason === undefined ||
    (reason instanceof Error && reason.name === 'AbortError' && /aborted/i.test(reason.message))
      ? ''
      : ` (reason: ${messageOf(reason)})`;
  return new RunAbortedError(`The run was aborted through its signal${detail}.`);
}

/** The error to report: a library error keeps its name; anything else gets `fallback`'s. */
function errorOf(
  error: unknown,
  fallback: new (message: string) => BotsError,
  message: string,
): BotError {
  if (error instanceof BotsError) return { name: error.name, message: redact(error.message) };
  return { name: fallback.name, message: redact(message) };
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text.replace(/\.+$/, ''));
}

function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${milliseconds} ms`;
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
