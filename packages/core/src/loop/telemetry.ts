import { recordRedactedException, redactForModel } from '@bots/auth';
import type { ChatMessage, ChatModel, ChatResponse } from '@bots/providers';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import type { BotResult } from './bot-result.js';
import type { ExecutionOutcome } from './execution-outcome.js';
import { PACKAGE_VERSION } from './package-version.js';

/**
 * The spans of a run, through `@opentelemetry/api` only: nothing is recorded until the
 * application registers an OpenTelemetry SDK (and a context manager, for the tree to nest
 * across `await`s; `NodeSDK` and `NodeTracerProvider.register()` do both).
 */
export const CORE_SPAN_NAMES = Object.freeze({
  /** One run of a bot (a sub-bot's run is nested under the `delegate` tool's span). */
  run: 'bots.run',
  /** One iteration: a model call and the command or tool it asked for. Under `bots.run`. */
  step: 'bots.step',
  /** One call of the chat model (retries included). Under `bots.step`; token fetches nest under it. */
  modelCall: 'bots.model_call',
  /** One shell command in the sandbox. Under `bots.step`. */
  command: 'bots.command',
  /** One tool call. Under `bots.step`. */
  tool: 'bots.tool',
});

/**
 * The attributes of {@link CORE_SPAN_NAMES}: the GenAI semantic conventions' `gen_ai.*` names where
 * they fit, `bots.*` otherwise. Never a token or a key; the prompt, the replies and the command
 * text only with the run option `traceContent: true`.
 */
export const CORE_ATTRIBUTES = Object.freeze({
  /** The bot's class (`ReadingBot`), or `sub-bot`. */
  botName: 'bots.bot.name',
  /** 0 for a top-level run, 1 for a sub-bot's. */
  depth: 'bots.run.depth',
  /** `success`, `failed`, `timeout`, `aborted`. */
  status: 'bots.run.status',
  /** Model calls the run made. */
  iterations: 'bots.run.iterations',
  /** The kind of the error a run ended with (`ModelCallError`'s `model`, `auth`, ...). */
  errorKind: 'bots.error.kind',
  /** Milliseconds the run, the model call or the command took. */
  durationMs: 'bots.duration_ms',
  /** The step's index in its run. */
  stepIndex: 'bots.step.index',
  /** `command`, `tool`, `answer`, `format-error`. */
  stepKind: 'bots.step.kind',
  /** Always `chat`. */
  operation: 'gen_ai.operation.name',
  /** The provider (`azure-openai`, `anthropic`, ...). */
  provider: 'gen_ai.provider.name',
  /** The deployment or model name. */
  model: 'gen_ai.request.model',
  /** The host of the model's endpoint. */
  serverAddress: 'server.address',
  /** `completions` or `responses`. */
  wireApi: 'bots.model.wire_api',
  /** The `api-version` of the dated Azure OpenAI API. */
  apiVersion: 'bots.model.api_version',
  /** `token`, `key` or `none`. */
  auth: 'bots.model.auth',
  /** Retries the call needed. */
  retries: 'bots.model.retries',
  /** Why the model stopped, as the provider says it. */
  finishReasons: 'gen_ai.response.finish_reasons',
  /** Input tokens (a run's: all its model calls', its sub-bots' included). */
  inputTokens: 'gen_ai.usage.input_tokens',
  /** Output tokens. */
  outputTokens: 'gen_ai.usage.output_tokens',
  /** The command's exit code (124 when it timed out). */
  exitCode: 'bots.command.exit_code',
  /** The command (or tool) was stopped at its timeout. */
  timedOut: 'bots.command.timed_out',
  /** The sandbox cut the command's output. */
  truncated: 'bots.command.truncated',
  /** The tool's name. */
  toolName: 'bots.tool.name',
  /** With `traceContent`: the messages sent (JSON, secrets the library holds masked). */
  inputMessages: 'gen_ai.input.messages',
  /** With `traceContent`: the reply (JSON). */
  outputMessages: 'gen_ai.output.messages',
  /** With `traceContent`: the command text, or the tool's input. */
  commandText: 'bots.command.text',
  /** With `traceContent`: the task of the run. */
  task: 'bots.run.task',
  /** With `traceContent`: the answer of the run. */
  answer: 'bots.run.answer',
});

const tracer = () => trace.getTracer('@bots/core', PACKAGE_VERSION);

/** A span and the context that makes it the parent of what runs in it. */
export interface SpanScope {
  span: Span;
  context: Context;
}

function startScope(
  name: string,
  parent: Context,
  attributes: Attributes,
  kind: SpanKind = SpanKind.INTERNAL,
): SpanScope {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Starts a run's span under the active context (a sub-bot's: under the `delegate` tool's span);
 * `task` only with `traceContent`.
 */
export function startRunSpan(botName: string, depth: number, task: string | undefined): SpanScope {
  return startScope(CORE_SPAN_NAMES.run, context.active(), {
    [CORE_ATTRIBUTES.botName]: botName,
    [CORE_ATTRIBUTES.depth]: depth,
    ...(task !== undefined ? { [CORE_ATTRIBUTES.task]: task } : {}),
  });
}

/** Names the model on the run's span once it is created. */
export function setRunModel(scope: SpanScope, model: ChatModel): void {
  scope.span.setAttributes(modelAttributes(model));
}

/** Ends a run's span with its outcome. */
export function endRunSpan(scope: SpanScope, result: BotResult, content: boolean): void {
  const { span } = scope;
  span.setAttributes({
    [CORE_ATTRIBUTES.status]: result.status,
    [CORE_ATTRIBUTES.iterations]: result.iterations,
    [CORE_ATTRIBUTES.inputTokens]: result.usage.inputTokens,
    [CORE_ATTRIBUTES.outputTokens]: result.usage.outputTokens,
    [CORE_ATTRIBUTES.durationMs]: result.durationMs,
    ...(content && result.result !== undefined ? { [CORE_ATTRIBUTES.answer]: result.result } : {}),
    ...(result.error ? { [CORE_ATTRIBUTES.errorKind]: result.error.kind } : {}),
  });
  if (result.error) recordRedactedException(span, result.error);
  span.end();
}

/** Starts a step's span under the run's. */
export function startStepSpan(run: SpanScope, index: number): SpanScope {
  return startScope(CORE_SPAN_NAMES.step, run.context, { [CORE_ATTRIBUTES.stepIndex]: index });
}

/** Ends a step's span: its kind, or the failure that ended the run in it. */
export function endStepSpan(scope: SpanScope, kind: string | undefined, error?: unknown): void {
  if (kind !== undefined) scope.span.setAttribute(CORE_ATTRIBUTES.stepKind, kind);
  if (error !== undefined) recordRedactedException(scope.span, error);
  scope.span.end();
}

function modelAttributes(model: ChatModel): Attributes {
  const connection = model.connection;
  return {
    [CORE_ATTRIBUTES.provider]: String(model.provider),
    [CORE_ATTRIBUTES.model]: String(model.name),
    ...(connection ? { [CORE_ATTRIBUTES.auth]: connection.auth } : {}),
    ...(connection?.wireApi ? { [CORE_ATTRIBUTES.wireApi]: connection.wireApi } : {}),
    ...(connection?.apiVersion ? { [CORE_ATTRIBUTES.apiVersion]: connection.apiVersion } : {}),
    ...(connection ? hostOf(connection.endpoint) : {}),
  };
}

function hostOf(endpoint: string): Attributes {
  try {
    return { [CORE_ATTRIBUTES.serverAddress]: new URL(endpoint).hostname };
  } catch {
    return {};
  }
}

/** Starts a model call's span (a client span) under the step's. */
export function startModelCallSpan(
  parent: Context,
  model: ChatModel,
  messages: readonly ChatMessage[],
  content: boolean,
): SpanScope {
  return startScope(
    CORE_SPAN_NAMES.modelCall,
    parent,
    {
      [CORE_ATTRIBUTES.operation]: 'chat',
      ...modelAttributes(model),
      ...(content ? { [CORE_ATTRIBUTES.inputMessages]: JSON.stringify(messages) } : {}),
    },
    SpanKind.CLIENT,
  );
}

/** Ends a model call's span with what the response says (or the error). */
export function endModelCallSpan(
  scope: SpanScope,
  outcome: { response?: ChatResponse; error?: unknown; durationMs: number },
  content: boolean,
): void {
  const { span } = scope;
  const { response, error } = outcome;
  span.setAttribute(CORE_ATTRIBUTES.durationMs, outcome.durationMs);
  if (response) {
    const usage = response.usage;
    span.setAttributes({
      ...(usage
        ? {
            [CORE_ATTRIBUTES.inputTokens]: Number(usage.inputTokens) || 0,
            [CORE_ATTRIBUTES.outputTokens]: Number(usage.outputTokens) || 0,
          }
        : {}),
      ...(typeof response.finishReason === 'string'
        ? { [CORE_ATTRIBUTES.finishReasons]: [response.finishReason] }
        : {}),
      ...(typeof response.retries === 'number'
        ? { [CORE_ATTRIBUTES.retries]: response.retries }
        : {}),
      ...(content
        ? {
            [CORE_ATTRIBUTES.outputMessages]: JSON.stringify([
              { role: 'assistant', content: redactForModel(String(response.text ?? '')) },
            ]),
          }
        : {}),
    });
  }
  if (error !== undefined) {
    const retries = (error as { retries?: unknown } | null)?.retries;
    if (typeof retries === 'number') span.setAttribute(CORE_ATTRIBUTES.retries, retries);
    recordRedactedException(span, error);
  }
  span.end();
}

/** Starts a command's or a tool's span under the step's. */
export function startExecutionSpan(
  parent: Context,
  execution: { command: string } | { tool: string; input: string },
  content: boolean,
): SpanScope {
  if ('tool' in execution) {
    return startScope(CORE_SPAN_NAMES.tool, parent, {
      [CORE_ATTRIBUTES.toolName]: execution.tool,
      ...(content ? { [CORE_ATTRIBUTES.commandText]: redactForModel(execution.input) } : {}),
    });
  }
  return startScope(
    CORE_SPAN_NAMES.command,
    parent,
    content ? { [CORE_ATTRIBUTES.commandText]: redactForModel(execution.command) } : {},
  );
}

/** Ends a command's or a tool's span with its outcome (or the failure of the sandbox). */
export function endExecutionSpan(
  scope: SpanScope,
  outcome: ExecutionOutcome | undefined,
  error?: unknown,
): void {
  const { span } = scope;
  if (outcome) {
    span.setAttributes({
      [CORE_ATTRIBUTES.exitCode]: outcome.exitCode,
      [CORE_ATTRIBUTES.durationMs]: outcome.durationMs,
      [CORE_ATTRIBUTES.timedOut]: outcome.timedOut,
      [CORE_ATTRIBUTES.truncated]: outcome.truncated,
    });
  }
  if (error !== undefined) recordRedactedException(span, error);
  span.end();
}

/** Runs `work` with `scope`'s span active (so that what it calls nests under it). */
export function withSpan<T>(scope: SpanScope, work: () => T): T {
  return context.with(scope.context, work);
}
