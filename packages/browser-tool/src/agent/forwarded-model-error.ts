import { BotsError, type ErrorKind, errorKindOf } from '@bots/auth';
import type { ChatModel, ChatRequest, ChatResponse } from '@bots/providers';

/** The name of an error class: `ModelAuthenticationError`, `ModelTimeoutError`, ... */
const ERROR_CLASS_NAME = /^[A-Z][A-Za-z0-9]*Error$/;

/**
 * A model call's error that reached this process as a name and a message only: the host's model
 * server sends the container the class name and the message of the error its model call ended
 * with (`ModelAuthenticationError`, `ModelTimeoutError`, ...). Its `name` is that class's name,
 * so the run's result names the real cause instead of a generic model call failure.
 */
export class ForwardedModelError extends BotsError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }

  /** The kind of the class it is named after (`authentication` for a `ModelAuthenticationError`). */
  override get kind(): ErrorKind {
    return errorKindOf({ name: this.name });
  }
}

/**
 * The model the browser agent drives: `model` with the task's sampling temperature on every
 * call, whose errors named after an error class but not of the library's classes (they crossed
 * the host channel) become a {@link ForwardedModelError} of that name.
 */
export function browserAgentModel(model: ChatModel, temperature?: number): ChatModel {
  return {
    provider: model.provider,
    name: model.name,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      try {
        return await model.complete(
          temperature === undefined ? request : { ...request, temperature },
        );
      } catch (error) {
        throw forwarded(error);
      }
    },
  };
}

function forwarded(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof BotsError) return error;
  if (error.name === 'AbortError' || !ERROR_CLASS_NAME.test(error.name)) return error;
  return new ForwardedModelError(error.name, error.message);
}
