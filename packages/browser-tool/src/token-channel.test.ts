import { createSign, generateKeyPairSync } from 'node:crypto';
import { redact } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { containerTokenProvider, TOKEN_SECRET_HEADER } from './agent/container-token-provider.js';
import { startTokenChannel } from './token-channel.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let serial = 0;
/** A signed JWT that expires in `lifetimeMs`. */
function jwt(lifetimeMs: number, now = Date.now()): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ iat: now / 1000, exp: (now + lifetimeMs) / 1000, jti: String(serial++) }),
  ).toString('base64url');
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${payload}`)
    .sign(privateKey)
    .toString('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('token channel', () => {
  it('serves tokens only with the run secret, and never echoes them in errors', async () => {
    let calls = 0;
    const channel = await startTokenChannel(async () => {
      calls++;
      return jwt(60_000);
    });
    try {
      expect(channel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/token$/);
      expect((await fetch(channel.url)).status).toBe(403);
      expect(
        (await fetch(channel.url, { headers: { [TOKEN_SECRET_HEADER]: 'x'.repeat(64) } })).status,
      ).toBe(403);
      const ok = await fetch(channel.url, { headers: { [TOKEN_SECRET_HEADER]: channel.secret } });
      expect(ok.status).toBe(200);
      const { token } = (await ok.json()) as { token: string };
      expect(token.split('.')).toHaveLength(3);
      expect(redact(`token=${token} secret=${channel.secret}`)).not.toContain(token);
      expect(redact(channel.secret)).not.toContain(channel.secret);
      expect(channel.stats).toEqual({ served: 1, refused: 2, failed: 0 });
      expect(calls).toBe(1);
    } finally {
      await channel.close();
    }
  });

  it('invalidates the host provider on ?invalidate=1 and when the cached token is too short-lived', async () => {
    let cached = jwt(500);
    let invalidations = 0;
    const provider = Object.assign(async () => cached, {
      invalidate: () => {
        invalidations++;
        cached = jwt(60_000);
      },
    });
    const channel = await startTokenChannel(provider);
    try {
      const get = async (query: string) =>
        (
          (await (
            await fetch(`${channel.url}${query}`, {
              headers: { [TOKEN_SECRET_HEADER]: channel.secret },
            })
          ).json()) as { token: string }
        ).token;
      const fresh = await get('?minValidityMs=2000');
      expect(invalidations).toBe(1);
      expect(fresh).toBe(cached);
      await get('?invalidate=1');
      expect(invalidations).toBe(2);
    } finally {
      await channel.close();
    }
  });
});

describe('containerTokenProvider (inside the container)', () => {
  it('uses the injected token while it is fresh, asks the channel near expiry and after invalidate()', async () => {
    let served = 0;
    const channel = await startTokenChannel(async () => {
      served++;
      return jwt(10_000);
    });
    try {
      let now = Date.now();
      const initial = jwt(10_000, now);
      const provider = containerTokenProvider({
        initialToken: initial,
        endpoint: channel.url,
        secret: channel.secret,
        now: () => now,
      });
      expect(await provider()).toBe(initial);
      expect(served).toBe(0);
      // Past the last tenth of its lifetime, where the cache of @bots/auth no longer hands it out
      // (before that it refreshes in the background, ahead of expiry).
      now += 9_500;
      const second = await provider();
      expect(second).not.toBe(initial);
      expect(served).toBe(1);
      now = Date.now();
      expect(await provider()).toBe(second);
      provider.invalidate(); // after a 401
      const third = await provider();
      expect(third).not.toBe(second);
      expect(served).toBe(2);
      expect(provider.refreshes).toBe(2);
      // Concurrent callers share one fetch.
      provider.invalidate();
      await Promise.all([provider(), provider(), provider()]);
      expect(served).toBe(3);
    } finally {
      await channel.close();
    }
  });

  it('keeps a still-valid token when the channel fails, and fails with a clear error once it expired', async () => {
    let now = Date.now();
    const initial = jwt(10_000, now);
    const provider = containerTokenProvider({
      initialToken: initial,
      endpoint: 'http://127.0.0.1:9/token',
      secret: 's',
      now: () => now,
      fetch: async () => new Response('no', { status: 502 }),
    });
    now += 6_000;
    expect(await provider()).toBe(initial);
    now += 10_000;
    await expect(provider()).rejects.toThrow(/502/);
  });

  it("passes the caller's abortSignal to its request to the channel", async () => {
    let now = Date.now();
    const seen: Array<AbortSignal | undefined> = [];
    const provider = containerTokenProvider({
      initialToken: jwt(10_000, now),
      endpoint: 'http://127.0.0.1:9/token',
      secret: 's',
      now: () => now,
      fetch: (_url, init) => {
        const signal = init?.signal ?? undefined;
        seen.push(signal);
        return new Promise<Response>((_, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
    });
    await provider();
    now += 20_000;
    const controller = new AbortController();
    const reason = new Error('The model call was cancelled.');
    const waiting = provider({ abortSignal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.aborted).toBe(true);
    expect(seen[0]?.reason).toBe(reason);
  });

  it('without a channel: the injected token until it is refused, then an error that says why', async () => {
    let now = Date.now();
    const initial = jwt(1_000, now);
    const provider = containerTokenProvider({ initialToken: initial, now: () => now });
    expect(await provider()).toBe(initial);
    now += 5_000; // expired: still sent, the server decides
    expect(await provider()).toBe(initial);
    provider.invalidate();
    await expect(provider()).rejects.toThrow(/AZURE_OPENAI_AD_TOKEN.*no token channel/);
    await expect(provider()).rejects.toMatchObject({ name: 'AuthenticationError' });
  });
});
