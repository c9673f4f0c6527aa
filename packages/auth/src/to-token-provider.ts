import { AuthenticationError, ConfigurationError } from './errors.js';
import { redact, registerSecret } from './redact.js';
import type { TokenProvider, TokenRequestOptions } from './token-provider.js';

/**
 * Checks a user-supplied token provider at once and normalises it to `() => Promise<string>`.
 * A synchronous `() => string` is accepted. The returned provider rejects with an
 * `AuthenticationError` when the token is not a non-empty string. Every token it hands out is
 * registered for redaction (as the token cache does for its own). Properties of the original
 * (such as `invalidate`) are kept, and {@link TokenRequestOptions} a caller passes (its
 * `abortSignal`) are passed on to it.
 */
export function toTokenProvider(value: unknown, label = 'tokenProvider'): TokenProvider {
  if (typeof value !== 'function') {
    throw new ConfigurationError(
      `${label} must be a function that returns a token (() => Promise<string>), but got ${describe(value)}. ` +
        `Pass getBearerTokenProvider(credential, scope) from @azure/identity, or set AZURE_AUTH_METHOD=azure_ad.`,
    );
  }
  const provider = value as (options?: TokenRequestOptions) => unknown;
  const normalised = async (options?: TokenRequestOptions): Promise<string> => {
    let token: unknown;
    try {
      token = await (options === undefined ? provider() : provider(options));
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (options?.abortSignal?.aborted) throw options.abortSignal.reason;
      throw new AuthenticationError(`${label} failed to get a token: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (typeof token !== 'string' || token.trim() === '') {
      throw new AuthenticationError(
        `${label} returned ${typeof token === 'string' ? 'an empty string' : describe(token)} instead of a token. ` +
          `It must resolve to a non-empty bearer token string.`,
      );
    }
    registerSecret(token);
    return token;
  };
  return Object.assign(normalised, pickExtras(value));
}

function pickExtras(value: object): object {
  const extras: Record<string, unknown> = {};
  const invalidate = (value as { invalidate?: unknown }).invalidate;
  if (typeof invalidate === 'function') extras.invalidate = invalidate.bind(value);
  if ('stats' in value) {
    Object.defineProperty(extras, 'stats', {
      get: () => (value as { stats: unknown }).stats,
      enumerable: true,
    });
  }
  return extras;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function messageOf(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}
