import { BotsError, redact } from '@bots/auth';
import type { BotError } from './bot-result.js';

/** Ends the run as `failed` with this error (thrown inside the loop, caught by `runAgentLoop`). */
export class RunFailure extends Error {
  constructor(readonly failure: BotError) {
    super(failure.message);
  }
}

/** The error to report: a library error keeps its name; anything else gets `fallback`'s. */
export function errorOf(
  error: unknown,
  fallback: new (message: string) => BotsError,
  message: string,
): BotError {
  if (BotsError.isInstance(error)) {
    const { isRetryable } = error as { isRetryable?: unknown };
    return {
      name: error.name,
      kind: error.kind,
      message: redact(error.message),
      ...(typeof isRetryable === 'boolean' ? { retryable: isRetryable } : {}),
    };
  }
  const { kind } = fallback as unknown as typeof BotsError;
  return { name: fallback.name, kind, message: redact(message) };
}

/** An error's message, redacted and without its closing full stops, to quote inside a sentence. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text.replace(/\.+$/, ''));
}
