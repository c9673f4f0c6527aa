import { describe, expect, it } from 'vitest';
import { MissingDependencyError } from './errors.js';
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE } from './scopes.js';
import type { TokenCredential } from './token-provider.js';
import { tokenProviderFromEnv } from './token-provider-from-env.js';

function recordingCredential() {
  const scopes: Array<string | string[]> = [];
  const credential: TokenCredential = {
    async getToken(scope) {
      scopes.push(scope);
      return { token: `token-for-${String(scope)}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return { credential, scopes };
}

const missingIdentity = async () => {
  throw Object.assign(new Error("Cannot find module '@azure/identity'"), {
    code: 'MODULE_NOT_FOUND',
  });
};

// What a provider's scope is, and that openai and ollama-local take no token, is
// @bots/providers' business now: those tests moved to packages/providers/src/token-scope.test.ts.
describe('tokenProviderFromEnv', () => {
  it('opts into nothing when AZURE_AUTH_METHOD is unset or api_key', async () => {
    expect(await tokenProviderFromEnv({ env: {}, importer: missingIdentity })).toBeUndefined();
    expect(
      await tokenProviderFromEnv({
        env: { AZURE_AUTH_METHOD: 'api_key' },
        importer: missingIdentity,
      }),
    ).toBeUndefined();
  });

  it('uses the Cognitive Services scope for azure-openai with azure_ad', async () => {
    const { credential, scopes } = recordingCredential();
    const provider = await tokenProviderFromEnv({
      env: { AZURE_AUTH_METHOD: 'azure_ad' },
      provider: 'azure-openai',
      credential,
    });
    expect(await provider?.()).toBe(`token-for-${COGNITIVE_SERVICES_SCOPE}`);
    expect(scopes).toEqual([COGNITIVE_SERVICES_SCOPE]);
  });

  it('honours AZURE_AUTH_SCOPE for anthropic', async () => {
    const { credential, scopes } = recordingCredential();
    const provider = await tokenProviderFromEnv({
      env: { AZURE_AUTH_METHOD: 'azure_ad', AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE },
      provider: 'anthropic',
      credential,
    });
    await provider?.();
    expect(scopes).toEqual([AI_FOUNDRY_SCOPE]);
  });

  it('rejects an unknown method', async () => {
    await expect(tokenProviderFromEnv({ env: { AZURE_AUTH_METHOD: 'magic' } })).rejects.toThrow(
      /not a known auth method\. Set it to one of: api_key, azure_ad, managed_identity/,
    );
  });

  it('names the install command when @azure/identity is missing', async () => {
    await expect(
      tokenProviderFromEnv({
        env: { AZURE_AUTH_METHOD: 'managed_identity' },
        importer: missingIdentity,
      }),
    ).rejects.toThrow(MissingDependencyError);
  });

  it.each([
    ['azure_ad', 'DefaultAzureCredential'],
    ['managed_identity', 'ManagedIdentityCredential'],
    ['azure_cli', 'AzureCliCredential'],
    ['azure_developer_cli', 'AzureDeveloperCliCredential'],
    ['environment', 'EnvironmentCredential'],
    ['workload_identity', 'WorkloadIdentityCredential'],
  ])('builds the %s credential from @azure/identity', async (method, className) => {
    const built: Array<{ className: string; options: unknown }> = [];
    const fake = Object.fromEntries(
      [
        'DefaultAzureCredential',
        'ManagedIdentityCredential',
        'AzureCliCredential',
        'AzureDeveloperCliCredential',
        'EnvironmentCredential',
        'WorkloadIdentityCredential',
      ].map((name) => [
        name,
        class {
          constructor(options?: unknown) {
            built.push({ className: name, options });
          }
          async getToken() {
            return { token: 'fake-credential-token', expiresOnTimestamp: Date.now() + 60_000 };
          }
        },
      ]),
    );
    const provider = await tokenProviderFromEnv({
      env: {
        AZURE_AUTH_METHOD: method,
        AZURE_CLIENT_ID: 'client-id-1',
        AZURE_TENANT_ID: 'tenant-1',
        AZURE_FEDERATED_TOKEN_FILE: '/var/run/token',
      },
      importer: async () => fake,
    });
    expect(await provider?.()).toBe('fake-credential-token');
    expect(built.map((entry) => entry.className)).toEqual([className]);
    if (method === 'managed_identity')
      expect(built[0]?.options).toEqual({ clientId: 'client-id-1' });
    if (method === 'azure_ad')
      expect(built[0]?.options).toEqual({ managedIdentityClientId: 'client-id-1' });
    if (method === 'workload_identity') {
      expect(built[0]?.options).toEqual({
        clientId: 'client-id-1',
        tenantId: 'tenant-1',
        tokenFilePath: '/var/run/token',
      });
    }
  });
});
