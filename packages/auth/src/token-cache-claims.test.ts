import { describe, expect, it } from 'vitest';
import { AuthenticationError } from './errors.js';
import { cachedTokenProvider, tokenProviderFromCredential } from './token-cache.js';
import type { AccessToken, TokenCredential } from './token-provider.js';

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
const NOW = 1_700_000_100_000;
const HOUR = 3_600_000;

/** A JWT-shaped token (unsigned) with the given `iat`, for the nbf check. */
function jwt(iat: number, id: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ iat, id })}.sig`;
}

function recordingCredential(tokens: string[]) {
  const calls: Array<{ scopes: string | string[]; options: unknown }> = [];
  const credential: TokenCredential = {
    async getToken(scopes, options) {
      calls.push({ scopes, options });
      const token = tokens[Math.min(calls.length - 1, tokens.length - 1)] as string;
      return { token, expiresOnTimestamp: NOW + HOUR };
    },
  };
  return { credential, calls };
}

describe('invalidate({ claims })', () => {
  it('the next fetch only gets the claims: getToken(scope, { claims })', async () => {
    const { credential, calls } = recordingCredential([
      't1-aaaaaaaa',
      't2-bbbbbbbb',
      't3-cccccccc',
    ]);
    const provider = tokenProviderFromCredential(credential, 'scope/.default', { now: () => NOW });
    expect(await provider()).toBe('t1-aaaaaaaa');
    provider.invalidate({ claims: CLAIMS });
    expect(await provider()).toBe('t2-bbbbbbbb');
    provider.invalidate();
    expect(await provider()).toBe('t3-cccccccc');
    expect(calls.map((call) => call.options)).toEqual([{}, { claims: CLAIMS }, {}]);
  });

  it('fetchToken of cachedTokenProvider gets (signal, claims)', async () => {
    const seen: unknown[][] = [];
    const provider = cachedTokenProvider(
      async (...args) => {
        seen.push(args);
        return { token: `token-${seen.length}-xxxxxxxx`, expiresOnTimestamp: NOW + HOUR };
      },
      { now: () => NOW },
    );
    await provider();
    provider.invalidate({ claims: CLAIMS });
    await provider();
    expect(seen).toEqual([[undefined], [undefined, CLAIMS]]);
  });

  it('the same token again after the claims: an AuthenticationError with when and what to do, and the token is not cached', async () => {
    const { credential, calls } = recordingCredential(['revoked-token-1234']);
    const provider = tokenProviderFromCredential(credential, 'scope/.default', {
      now: () => NOW,
      label: 'managed_identity credential for azure-openai',
    });
    await provider();
    provider.invalidate({ claims: CLAIMS });
    const failure = await provider().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as AuthenticationError).kind).toBe('authentication');
    const replaceable = new Date(NOW + HOUR - 5 * 60_000).toISOString();
    expect((failure as Error).message).toBe(
      `The endpoint revoked the token of the managed_identity credential for azure-openai (Continuous Access Evaluation: a 401 with a claims challenge), and the credential, asked for a new token with the challenge's claims, gave the same token again. It cannot fetch a new token before its cache lets go of this one: a managed-identity credential cannot (@azure/identity passes no claims to MSAL for managed identity, and MSAL keeps one token cache per process). The cached token can be replaced at ${replaceable} (in 55 minutes, 5 minutes before it expires). Restart the process to get a new token now, or wait until then.`,
    );
    expect((failure as Error).message).not.toContain('revoked-token-1234');
    // Not cached: the next call asks again (without claims: they were for that fetch only).
    await provider();
    expect(calls.map((call) => call.options)).toEqual([{}, { claims: CLAIMS }, {}]);
  });

  it("a different token issued before the challenge's nbf is still the revoked one", async () => {
    const { credential } = recordingCredential([jwt(1_699_999_000, 'a'), jwt(1_699_999_500, 'b')]);
    const provider = tokenProviderFromCredential(credential, 's', { now: () => NOW });
    await provider();
    provider.invalidate({ claims: CLAIMS });
    await expect(provider()).rejects.toThrow('gave a token issued before the revocation');
  });

  it('a token issued at or after the nbf is taken', async () => {
    const fresh = jwt(1_700_000_000, 'b');
    const { credential } = recordingCredential([jwt(1_699_999_000, 'a'), fresh]);
    const provider = tokenProviderFromCredential(credential, 's', { now: () => NOW });
    await provider();
    provider.invalidate({ claims: CLAIMS });
    expect(await provider()).toBe(fresh);
  });

  it('without claims the same token again is taken, as before (a 401 from expiry)', async () => {
    const { credential } = recordingCredential(['same-token-12345']);
    const provider = tokenProviderFromCredential(credential, 's', { now: () => NOW });
    await provider();
    provider.invalidate();
    expect(await provider()).toBe('same-token-12345');
  });

  it('claims must be a non-empty string', () => {
    const provider = cachedTokenProvider(
      async (): Promise<AccessToken> => ({
        token: 'x'.repeat(10),
        expiresOnTimestamp: NOW + HOUR,
      }),
    );
    expect(() => provider.invalidate({ claims: 42 as unknown as string })).toThrow(
      'invalidate claims',
    );
  });
});
