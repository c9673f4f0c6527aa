import { useEmulator } from '@bots/emulator/testing';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenProviderFromEnv } from '../src/index.js';

// The real @azure/identity ManagedIdentityCredential gets tokens that live 5 seconds from the
// emulator's managed-identity endpoint over HTTP; the real openai client sends them to the
// emulator's Azure OpenAI endpoint, which verifies signature, audience and expiry.
// The emulator runs in this process and writes `exp` in whole seconds, so a token handed out with
// a tenth of its life left (the usable margin) must reach it within that tenth while 50 callers
// load the same event loop: 5-second tokens leave 0.4-0.5 s; 3-second ones (0.2-0.3 s) were
// seen to fail on a loaded 2-core machine.
const LIFETIME_SECONDS = 5;
const RUN_MS = 16_000;
const CALLERS = 50;

const emulator = useEmulator({ tokenLifetimeSeconds: LIFETIME_SECONDS, script: () => 'ok' });

beforeAll(() => {
  vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
  vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('token refresh against the emulator (managed_identity, 5-second tokens)', () => {
  it('serves 50 concurrent callers across several expiries with one fetch per token and no expired token', async () => {
    const provider = await tokenProviderFromEnv({
      env: { AZURE_AUTH_METHOD: 'managed_identity' },
      provider: 'azure-openai',
    });
    if (!provider) throw new Error('managed_identity must give a token provider');
    const client = new AzureOpenAI({
      azureADTokenProvider: provider,
      endpoint: emulator.env.AZURE_OPENAI_ENDPOINT,
      apiVersion: emulator.env.AZURE_OPENAI_API_VERSION,
      deployment: 'gpt-test',
      maxRetries: 0,
    });

    const identityCallsBefore = emulator.tokenRequestCount;
    const started = Date.now();
    let calls = 0;
    let identityCallsAfterFirstToken = -1;
    const caller = async () => {
      while (Date.now() - started < RUN_MS) {
        const completion = await client.chat.completions.create({
          model: 'gpt-test',
          messages: [{ role: 'user', content: 'ping' }],
        });
        expect(completion.choices[0]?.message.content).toBe('ok');
        calls += 1;
        if (identityCallsAfterFirstToken < 0) {
          identityCallsAfterFirstToken = emulator.tokenRequestCount - identityCallsBefore;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    const elapsed = Date.now() - started;

    const modelRequests = emulator.requests.ofKind('azure-openai');
    const identityCalls = emulator.tokenRequestCount - identityCallsBefore;
    const tokenIds = new Set(modelRequests.map((request) => request.auth.tokenId));
    const lifetimes = elapsed / (LIFETIME_SECONDS * 1000);

    expect(modelRequests.length).toBe(calls);
    expect(calls).toBeGreaterThan(CALLERS * 10);
    // Never a rejected or expired token.
    expect(modelRequests.filter((request) => !request.auth.accepted)).toEqual([]);
    expect(modelRequests.filter((request) => request.auth.expired)).toEqual([]);
    // 50 callers with nothing cached caused one identity call.
    expect(identityCallsAfterFirstToken).toBe(1);
    // One identity call per token: refreshed at three quarters of its life, so at most 4 per 3 lifetimes.
    expect(identityCalls).toBe(tokenIds.size);
    expect(identityCalls).toBeGreaterThanOrEqual(Math.floor(lifetimes));
    expect(identityCalls).toBeLessThanOrEqual(Math.ceil((lifetimes * 4) / 3) + 1);
    // Only the first 50 calls waited; every later token came from a background refresh.
    expect(provider.stats.waits).toBe(CALLERS);
    expect(provider.stats.fetches).toBe(identityCalls);
  });
});
