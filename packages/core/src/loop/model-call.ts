import type { ChatMessage, ChatModel, ChatResponse, ChatUsage } from '@bots/providers';
import type { Context } from '@opentelemetry/api';
import { childController, raceSignal } from './abort.js';
import { ModelCallError } from './errors.js';
import { errorOf, messageOf, RunFailure } from './run-failure.js';
import { endModelCallSpan, startModelCallSpan, withSpan } from './telemetry.js';

/** What one model call gave. */
export interface ModelTurn {
  /** The reply's text ('' when the model sent none). */
  text: string;
  /** Token counts, when the provider reported them. */
  usage: ChatUsage | undefined;
  /** Wall time of the call, in milliseconds. */
  durationMs: number;
}

/** Where a call's span goes, and whether it records the messages. */
export interface CallTrace {
  /** The context of the step's span. */
  parent: Context;
  /** Record the messages and the reply (the run option `traceContent`). */
  content: boolean;
}

/**
 * Asks the model for its next reply (JSON mode), in a `bots.model_call` span (the model's own
 * token fetch nests under it). A failed call ends the run as `failed` with a `ModelCallError` (or
 * the library error it threw); the run's abort propagates.
 */
export async function callModel(
  model: ChatModel,
  messages: readonly ChatMessage[],
  runSignal: AbortSignal,
  trace: CallTrace,
): Promise<ModelTurn> {
  const startedAt = performance.now();
  const scope = startModelCallSpan(trace.parent, model, messages, trace.content);
  let response: ChatResponse | undefined;
  let failure: unknown;
  // Each call gets a signal of its own, linked to the run's: SDKs add an abort listener to the
  // signal of every request and never remove it (openai's fetchWithTimeout), which on the
  // run's signal would pile up one listener per model call for the whole run.
  const call = childController(runSignal);
  try {
    response = await raceSignal(
      () =>
        withSpan(scope, () =>
          model.complete({
            messages: [...messages],
            json: true,
            signal: call.controller.signal,
          }),
        ),
      runSignal,
    );
    return {
      text: typeof response?.text === 'string' ? response.text : '',
      usage: response?.usage,
      durationMs: Math.round(performance.now() - startedAt),
    };
  } catch (error) {
    failure = error;
    if (runSignal.aborted) throw runSignal.reason;
    throw new RunFailure(
      errorOf(error, ModelCallError, `The model call failed: ${messageOf(error)}`),
    );
  } finally {
    endModelCallSpan(
      scope,
      {
        ...(response ? { response } : {}),
        ...(failure !== undefined ? { error: failure } : {}),
        durationMs: Math.round(performance.now() - startedAt),
      },
      trace.content,
    );
    call.release();
  }
}
