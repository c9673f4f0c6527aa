import { describe, expect, it } from 'vitest';
import { AuthenticationError } from './errors.js';
import { cachedTokenProvider, tokenProviderFromCredential } from './token-cache.js';
import type { AccessToken } from './token-provider.js';

/** A token issuer on a fake clock: each token lives `lifetimeMs` and says when it was issued. */
function fakeIssuer(lifetimeMs: number) {
  const clock = { now: 1_000_000 };
  const issued: Array<{ token: string; expiresAt: number }> = [];
  let pending: Array<() => void> = [];
  let manual = false;
  let failNext = 0;
  const fetch = async (): Promise<AccessToken> => {
    if (manual) await new Promise<void>((resolve) => pending.push(resolve));
    if (failNext > 0) {
      failNext -= 1;
      throw new Error('identity endpoint unavailable');
    }
    const token = `token-number-${issued.length + 1}`;
    const expiresAt = clock.now + lifetimeMs;
    issued.push({ token, expiresAt });
    return { token, expiresOnTimestamp: expiresAt };
  };
  return {
    clock,
    issued,
    fetch,
    holdFetches() {
      manual = true;
    },
    releaseFetches() {
      manual = false;
      for (const resolve of pending) resolve();
      pending = [];
    },
    failNext(count: number) {
      failNext = count;
    },
    expiryOf(token: string) {
      return issued.find((entry) => entry.token === token)?.expiresAt ?? 0;
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('cachedTokenProvider', () => {
  it('fetches once for 50 concurrent callers', async () => {
    const issuer = fakeIssuer(60_000);
    const provider = cachedTokenProvider(issuer.fetch, { now: () => issuer.clock.now });
    issuer.holdFetches();
    const calls = Array.from({ length: 50 }, () => provider());
    await flush();
    issuer.releaseFetches();
    const tokens = await Promise.all(calls);
    expect(new Set(tokens)).toEqual(new Set(['token-number-1']));
    expect(provider.stats).toMatchObject({ fetches: 1, waits: 50, hits: 0 });
  });

  it('refreshes in the background ahead of expiry, so that no caller waits', async () => {
    const issuer = fakeIssuer(3_600_000);
    const provider = cachedTokenProvider(issuer.fetch, { now: () => issuer.clock.now });
    expect(await provider()).toBe('token-number-1');
    issuer.clock.now += 3_600_000 - 119_000; // inside the 2-minute refresh window
    expect(await provider()).toBe('token-number-1');
    await flush();
    expect(provider.stats.backgroundRefreshes).toBe(1);
    expect(await provider()).toBe('token-number-2');
    expect(provider.stats).toMatchObject({ fetches: 2, waits: 1 });
  });

  it('never hands out an expired token over a long series across many expiries', async () => {
    const lifetimeMs = 3_000;
    const issuer = fakeIssuer(lifetimeMs);
    const provider = cachedTokenProvider(issuer.fetch, { now: () => issuer.clock.now });
    let calls = 0;
    for (let step = 0; step < 2_000; step += 1) {
      issuer.clock.now += 37; // 2,000 calls over ~74 s: about 25 token lifetimes
      const tokens = await Promise.all([provider(), provider(), provider()]);
      calls += tokens.length;
      for (const token of tokens) expect(issuer.expiryOf(token)).toBeGreaterThan(issuer.clock.now);
      await flush();
    }
    const lifetimes = (2_000 * 37) / lifetimeMs;
    expect(provider.stats.fetches).toBeLessThanOrEqual(Math.ceil(lifetimes * 2) + 1);
    expect(provider.stats.fetches).toBeGreaterThanOrEqual(Math.floor(lifetimes));
    // Only the very first call had to wait: every later token came from a background refresh.
    expect(provider.stats.waits).toBe(3);
    expect(provider.stats.hits).toBe(calls - 3);
  });

  it('lets callers wait rather than use a token inside its expiry margin', async () => {
    const issuer = fakeIssuer(10_000);
    const provider = cachedTokenProvider(issuer.fetch, { now: () => issuer.clock.now });
    await provider();
    issuer.clock.now += 9_500; // past expiry minus a tenth of the lifetime
    expect(await provider()).toBe('token-number-2');
    expect(provider.stats.waits).toBe(2);
  });

  it('never uses a JWT past its own exp when the credential reports a later expiry', async () => {
    // MSAL computes expiresOnTimestamp from its request time rounded down to the second, so a
    // short-lived token can be reported as living up to a second longer than its `exp`.
    const clock = { now: 1_000_000 };
    let issued = 0;
    const jwt = (expSeconds: number) =>
      [
        Buffer.from('{"alg":"none"}').toString('base64url'),
        Buffer.from(JSON.stringify({ exp: expSeconds, n: issued })).toString('base64url'),
        'sig',
      ].join('.');
    const provider = cachedTokenProvider(
      async () => {
        issued += 1;
        const exp = Math.floor(clock.now / 1000) + 4; // a 4-second token
        return { token: jwt(exp), expiresOnTimestamp: exp * 1000 + 999 };
      },
      { now: () => clock.now },
    );
    const first = await provider();
    clock.now = 1_000_000 + 3_700; // before the reported expiry's margin, after exp's margin
    const second = await provider();
    expect(second).not.toBe(first);
    expect(issued).toBe(2);
  });

  it('fetches anew after invalidate()', async () => {
    const issuer = fakeIssuer(60_000);
    const provider = cachedTokenProvider(issuer.fetch, { now: () => issuer.clock.now });
    expect(await provider()).toBe('token-number-1');
    provider.invalidate();
    expect(await provider()).toBe('token-number-2');
    expect(await provider()).toBe('token-number-2');
  });

  it('keeps serving the cached token when a background refresh fails, then recovers', async () => {
    const issuer = fakeIssuer(60_000);
    const provider = cachedTokenProvider(issuer.fetch, { now: () => issuer.clock.now });
    await provider();
    issuer.failNext(1);
    issuer.clock.now += 45_000; // refresh window (half the lifetime) but still usable
    expect(await provider()).toBe('token-number-1');
    await flush();
    issuer.clock.now += 5_000;
    expect(await provider()).toBe('token-number-1');
    await flush();
    expect(await provider()).toBe('token-number-2');
  });

  it('rejects callers with a redacted AuthenticationError when no token can be had', async () => {
    const provider = cachedTokenProvider(async () => {
      throw new Error('bad response carrying eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh');
    });
    const error = await provider().then(
      () => {
        throw new Error('expected a rejection');
      },
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(
      'The token provider failed to get a token: bad response carrying [REDACTED]',
    );
    await expect(cachedTokenProvider(async () => null)()).rejects.toThrow('returned no token');
  });

  it('wraps a TokenCredential for one scope', async () => {
    const scopes: unknown[] = [];
    const provider = tokenProviderFromCredential(
      {
        async getToken(scope) {
          scopes.push(scope);
          return { token: 'credential-token', expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
      'https://cognitiveservices.azure.com/.default',
    );
    expect(await provider()).toBe('credential-token');
    expect(await provider()).toBe('credential-token');
    expect(scopes).toEqual(['https://cognitiveservices.azure.com/.default']);
  });

  it("passes the caller's abortSignal to the fetch, and a background refresh none", async () => {
    const signals: Array<AbortSignal | undefined> = [];
    let now = 1_000_000;
    const provider = cachedTokenProvider(
      async (signal) => {
        signals.push(signal);
        return { token: `token-number-${signals.length}`, expiresOnTimestamp: now + 60_000 };
      },
      { now: () => now },
    );
    const controller = new AbortController();
    expect(await provider({ abortSignal: controller.signal })).toBe('token-number-1');
    expect(signals).toEqual([controller.signal]);
    now += 50_000; // inside the refresh window: answered from the cache, refreshed behind it
    expect(await provider({ abortSignal: controller.signal })).toBe('token-number-1');
    await flush();
    expect(signals).toHaveLength(2);
    expect(signals[1]).toBeUndefined();
  });

  it("rejects with the signal's reason when the caller aborts the fetch it waits for", async () => {
    const provider = cachedTokenProvider(
      (signal) =>
        new Promise<AccessToken>((_, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    );
    const controller = new AbortController();
    const reason = new Error('The caller gave up.');
    const waiting = provider({ abortSignal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it("tokenProviderFromCredential passes the caller's abortSignal to getToken", async () => {
    const seen: unknown[] = [];
    const provider = tokenProviderFromCredential(
      {
        async getToken(_scope, options) {
          seen.push(options?.abortSignal);
          return { token: 'credential-token', expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
      'https://cognitiveservices.azure.com/.default',
    );
    const { signal } = new AbortController();
    await provider({ abortSignal: signal });
    expect(seen).toEqual([signal]);
  });
});
