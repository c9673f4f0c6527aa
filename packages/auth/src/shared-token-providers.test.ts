import { useEmulator } from '@bots/emulator/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from './errors.js';
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE } from './scopes.js';
import {
  clearSharedTokenProviders,
  sharedTokenProviderCount,
  sharedTokenProviderKey,
} from './shared-token-providers.js';
import type { TokenCredential } from './token-provider.js';
import { tokenProviderFromEnv } from './token-provider-from-env.js';

// The real @azure/identity (ManagedIdentityCredential and DefaultAzureCredential, App Service
// shape) against the emulator. 120-s tokens: msal-node's own cache treats them as expired at once
// (< 5 min left), so every credential instance that is asked goes to the identity endpoint, and
// a count of 1 means that @bots/auth shared one provider.
const emulator = useEmulator({ tokenLifetimeSeconds: 120 });

beforeAll(() => {
  // @azure/identity reads process.env; msal-node keeps the first managed-identity endpoint it sees.
  for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
    vi.stubEnv(name, value);
  }
});
afterAll(() => {
  vi.unstubAllEnvs();
  clearSharedTokenProviders();
});
beforeEach(() => {
  clearSharedTokenProviders();
});

const env = { AZURE_AUTH_METHOD: 'managed_identity' };

describe('one token provider per credential and scope per process', () => {
  it('the same env twice gives the same provider object', async () => {
    const first = await tokenProviderFromEnv({ env, provider: 'azure-openai' });
    const second = await tokenProviderFromEnv({ env: { ...env }, provider: 'anthropic' });
    expect(first).toBeDefined();
    expect(second).toBe(first);
    expect(sharedTokenProviderCount()).toBe(1);
  });

  it('10 bots asking at once, 5 calls each: one identity call, one token', async () => {
    const before = emulator.tokenRequestCount;
    const tokens = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const provider = await tokenProviderFromEnv({ env });
        return Promise.all(Array.from({ length: 5 }, () => provider?.()));
      }),
    );
    const all = tokens.flat();
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(1);
    expect(emulator.verifyToken(all[0] as string).valid).toBe(true);
    expect(emulator.tokenRequestCount - before).toBe(1);
    const provider = await tokenProviderFromEnv({ env });
    expect(provider?.stats.fetches).toBe(1);
  });

  it('without sharing, 10 providers of the same env make 10 identity calls (what sharing saves)', async () => {
    const before = emulator.tokenRequestCount;
    const providers = await Promise.all(
      Array.from({ length: 10 }, () => tokenProviderFromEnv({ env, shared: false })),
    );
    expect(new Set(providers).size).toBe(10);
    await Promise.all(providers.map((provider) => provider?.()));
    expect(emulator.tokenRequestCount - before).toBe(10);
    expect(sharedTokenProviderCount()).toBe(0);
  });

  it.each([
    ['another scope', { env, scope: AI_FOUNDRY_SCOPE }],
    [
      'another scope through AZURE_AUTH_SCOPE',
      { env: { ...env, AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE } },
    ],
    [
      'another user-assigned identity (client id)',
      { env: { ...env, AZURE_CLIENT_ID: '00000000-0000-0000-0000-0000000000c1' } },
    ],
    ['another method', { env: { AZURE_AUTH_METHOD: 'azure_ad' } }],
    [
      'a chain that starts with the same method',
      { env: { AZURE_AUTH_METHOD: 'managed_identity,azure_cli' } },
    ],
    ['other cache settings', { env, refreshWindowMs: 10_000 }],
  ])('%s: a provider of its own', async (_name, options) => {
    const base = await tokenProviderFromEnv({ env });
    const other = await tokenProviderFromEnv(options);
    expect(other).toBeDefined();
    expect(other).not.toBe(base);
    expect(sharedTokenProviderCount()).toBe(2);
    // Asked again, each is the same object as before.
    expect(await tokenProviderFromEnv(options)).toBe(other);
  });

  it('another scope asks the identity endpoint for its own token', async () => {
    const before = emulator.tokenRequestCount;
    const cognitive = await tokenProviderFromEnv({ env });
    const foundry = await tokenProviderFromEnv({ env, scope: AI_FOUNDRY_SCOPE });
    const [a, b] = await Promise.all([cognitive?.(), foundry?.()]);
    expect(emulator.tokenRequestCount - before).toBe(2);
    expect(emulator.verifyToken(a as string).claims?.aud).toBe(
      'https://cognitiveservices.azure.com',
    );
    expect(emulator.verifyToken(b as string).claims?.aud).toBe('https://ai.azure.com');
  });

  it('invalidate() on the shared provider is seen by every user of it', async () => {
    const botA = await tokenProviderFromEnv({ env });
    const botB = await tokenProviderFromEnv({ env });
    const first = await botA?.();
    const before = emulator.tokenRequestCount;
    botB?.invalidate();
    const second = await botA?.();
    expect(second).not.toBe(first);
    expect(await botB?.()).toBe(second);
    expect(emulator.tokenRequestCount - before).toBe(1);
  });

  it('a credential of yours is never shared: its own cache each time', async () => {
    let calls = 0;
    const credential: TokenCredential = {
      async getToken() {
        calls += 1;
        return { token: `own-token-${calls}`, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const first = await tokenProviderFromEnv({ env, credential });
    const second = await tokenProviderFromEnv({ env, credential });
    expect(second).not.toBe(first);
    expect(await first?.()).toBe('own-token-1');
    expect(await second?.()).toBe('own-token-2');
    expect(sharedTokenProviderCount()).toBe(0);
  });

  it('shared: true with a credential of yours is a ConfigurationError at once', async () => {
    const credential: TokenCredential = { getToken: async () => null };
    await expect(tokenProviderFromEnv({ env, credential, shared: true })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(tokenProviderFromEnv({ env, credential, shared: true })).rejects.toThrow(
      /a credential of yours is never shared/,
    );
    await expect(tokenProviderFromEnv({ env, shared: 'yes' as never })).rejects.toThrow(
      /shared must be true or false/,
    );
  });

  it('a credential that cannot be created is not kept: the next caller tries again', async () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'no-such-credential');
    const azureAd = { AZURE_AUTH_METHOD: 'azure_ad' };
    const results = await Promise.allSettled([
      tokenProviderFromEnv({ env: azureAd }),
      tokenProviderFromEnv({ env: azureAd }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConfigurationError);
    expect(sharedTokenProviderCount()).toBe(0);
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', undefined);
    expect(await tokenProviderFromEnv({ env: azureAd })).toBeDefined();
    expect(sharedTokenProviderCount()).toBe(1);
  });

  it('clearSharedTokenProviders() forgets them: the next call builds a new one', async () => {
    const first = await tokenProviderFromEnv({ env });
    clearSharedTokenProviders();
    expect(sharedTokenProviderCount()).toBe(0);
    const second = await tokenProviderFromEnv({ env });
    expect(second).not.toBe(first);
    // The one handed out before still works on its own.
    expect(typeof (await first?.())).toBe('string');
  });
});

describe('sharedTokenProviderKey', () => {
  afterAll(() => {
    vi.unstubAllEnvs();
    for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
      vi.stubEnv(name, value);
    }
  });

  it('holds no secret, and two service principals with different secrets get different keys', () => {
    vi.stubEnv('AZURE_TENANT_ID', 'tenant-1');
    vi.stubEnv('AZURE_CLIENT_ID', 'client-1');
    vi.stubEnv('AZURE_CLIENT_SECRET', 'first-secret-value-1234');
    const first = sharedTokenProviderKey(['environment'], {}, COGNITIVE_SERVICES_SCOPE);
    expect(first).not.toContain('first-secret-value-1234');
    expect(first).toContain('AZURE_CLIENT_SECRET');
    expect(sharedTokenProviderKey(['environment'], {}, COGNITIVE_SERVICES_SCOPE)).toBe(first);
    vi.stubEnv('AZURE_CLIENT_SECRET', 'second-secret-value-5678');
    const second = sharedTokenProviderKey(['environment'], {}, COGNITIVE_SERVICES_SCOPE);
    expect(second).not.toBe(first);
    expect(second).not.toContain('second-secret-value-5678');
  });

  it('names the identifying settings: tenant, authority, certificate (hashed), token file', () => {
    vi.stubEnv('AZURE_TENANT_ID', 'tenant-2');
    vi.stubEnv('AZURE_AUTHORITY_HOST', 'https://127.0.0.1:9');
    vi.stubEnv('AZURE_CLIENT_CERTIFICATE_PATH', '/secrets/cert.pem');
    vi.stubEnv('AZURE_FEDERATED_TOKEN_FILE', '/var/run/token');
    const key = sharedTokenProviderKey(
      ['workload_identity', 'azure_cli'],
      { AZURE_CLIENT_ID: 'client-2' },
      COGNITIVE_SERVICES_SCOPE,
    );
    expect(key).toContain('tenant-2');
    expect(key).toContain('https://127.0.0.1:9');
    expect(key).toContain('/var/run/token');
    expect(key).toContain('client-2');
    expect(key).not.toContain('/secrets/cert.pem');
    const tenant3 = (() => {
      vi.stubEnv('AZURE_TENANT_ID', 'tenant-3');
      return sharedTokenProviderKey(
        ['workload_identity', 'azure_cli'],
        { AZURE_CLIENT_ID: 'client-2' },
        COGNITIVE_SERVICES_SCOPE,
      );
    })();
    expect(tenant3).not.toBe(key);
    // The chain's order matters.
    expect(
      sharedTokenProviderKey(
        ['azure_cli', 'workload_identity'],
        { AZURE_CLIENT_ID: 'client-2' },
        COGNITIVE_SERVICES_SCOPE,
      ),
    ).not.toBe(tenant3);
  });
});
