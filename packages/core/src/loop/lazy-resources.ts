import type { ChatModel } from '@bots/providers';
import type { Environment } from '../environment.js';
import { SandboxError } from '../sandbox/errors.js';
import { raceSignal } from './abort.js';
import { ModelCallError } from './errors.js';
import { errorOf, messageOf, RunFailure } from './run-failure.js';

/**
 * The run's chat model: the one given, or the one its factory creates (called once, inside the
 * run, so that creating it counts against the run's timeout and abort). A factory that fails ends
 * the run as `failed` with a `ModelCallError` (or the library error it threw).
 */
export async function createModel(
  source: ChatModel | (() => Promise<ChatModel>),
  runSignal: AbortSignal,
): Promise<ChatModel> {
  try {
    return typeof source === 'function' ? await raceSignal(source, runSignal) : source;
  } catch (error) {
    if (runSignal.aborted) throw error;
    throw new RunFailure(
      errorOf(error, ModelCallError, `The chat model could not be created: ${messageOf(error)}`),
    );
  }
}

/**
 * A getter of the run's sandbox that creates it (from a factory) and starts it at its first call,
 * so a run that answers without commands never starts one. A sandbox that cannot be created or
 * started ends the run as `failed` with a `SandboxError` (or the library error it threw).
 */
export function lazyEnvironment(
  source: Environment | ((signal: AbortSignal) => Promise<Environment>),
  runSignal: AbortSignal,
): () => Promise<Environment> {
  let environment: Environment | undefined;
  let environmentStarted = false;
  return async () => {
    try {
      if (!environment) {
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
}
