import type { ChatMessage, ChatModel, ChatUsage } from '@bots/providers';
import { childController, raceSignal } from './abort.js';
import { ModelCallError } from './errors.js';
import { errorOf, messageOf, RunFailure } from './run-failure.js';

/** What one model call gave. */
export interface ModelTurn {
  /** The reply's text ('' when the model sent none). */
  text: string;
  /** Token counts, when the provider reported them. */
  usage: ChatUsage | undefined;
  /** Wall time of the call, in milliseconds. */
  durationMs: number;
}

/**
 * Asks the model for its next reply (JSON mode). A failed call ends the run as `failed` with a
 * `ModelCallError` (or the library error it threw); the run's abort propagates.
 */
export async function callModel(
  model: ChatModel,
  messages: readonly ChatMessage[],
  runSignal: AbortSignal,
): Promise<ModelTurn> {
  const startedAt = performance.now();
  // Each call gets a signal of its own, linked to the run's: SDKs add an abort listener to the
  // signal of every request and never remove it (openai's fetchWithTimeout), which on the
  // run's signal would pile up one listener per model call for the whole run.
  const call = childController(runSignal);
  try {
    const response = await raceSignal(
      () =>
        model.complete({
          messages: [...messages],
          json: true,
          signal: call.controller.signal,
        }),
      runSignal,
    );
    return {
      text: typeof response?.text === 'string' ? response.text : '',
      usage: response?.usage,
      durationMs: Math.round(performance.now() - startedAt),
    };
  } catch (error) {
    if (runSignal.aborted) throw runSignal.reason;
    throw new RunFailure(
      errorOf(error, ModelCallError, `The model call failed: ${messageOf(error)}`),
    );
  } finally {
    call.release();
  }
}
