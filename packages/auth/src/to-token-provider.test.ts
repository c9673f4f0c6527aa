import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigurationError } from './errors.js';
import { toTokenProvider } from './to-token-provider.js';

describe('toTokenProvider', () => {
  it.each([
    ['a string', 'eyJ-not-a-function', 'a string'],
    ['null', null, 'null'],
    ['an object', { getToken() {} }, 'an object'],
  ])('rejects %s at once with a typed error that says what to pass', (_, value, described) => {
    const attempt = () => toTokenProvider(value);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      `tokenProvider must be a function that returns a token (() => Promise<string>), but got ${described}.`,
    );
    expect(attempt).toThrow(/getBearerTokenProvider/);
  });

  it('normalises a synchronous provider to a promise', async () => {
    const provider = toTokenProvider(() => 'token-value-1');
    const result = provider();
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('token-value-1');
  });

  it('rejects an empty token with an AuthenticationError', async () => {
    await expect(toTokenProvider(async () => '')()).rejects.toThrow(AuthenticationError);
    await expect(toTokenProvider(async () => '')()).rejects.toThrow(
      'tokenProvider returned an empty string instead of a token.',
    );
    await expect(toTokenProvider(() => undefined as unknown as string)()).rejects.toThrow(
      'tokenProvider returned a undefined instead of a token.',
    );
  });

  it('wraps a failing provider without leaking a token from its message', async () => {
    const secret = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
    const provider = toTokenProvider(async () => {
      throw new Error(`refresh failed for ${secret}`);
    });
    const error = await provider().then(
      () => {
        throw new Error('expected a rejection');
      },
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(
      'tokenProvider failed to get a token: refresh failed for [REDACTED]',
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('keeps invalidate() of a cached provider', async () => {
    let invalidated = 0;
    const cached = Object.assign(async () => 'token-value-2', {
      invalidate: () => {
        invalidated += 1;
      },
    });
    const provider = toTokenProvider(cached) as typeof cached;
    provider.invalidate();
    expect(invalidated).toBe(1);
  });

  it("passes a caller's abortSignal on to a cached provider", async () => {
    const { signal } = new AbortController();
    const seen: unknown[] = [];
    const provider = toTokenProvider(async (options?: { abortSignal?: AbortSignal }) => {
      seen.push(options?.abortSignal);
      return 'token-value-3';
    }) as (options?: { abortSignal?: AbortSignal }) => Promise<string>;
    await provider({ abortSignal: signal });
    await provider();
    expect(seen).toEqual([signal, undefined]);
  });
});
