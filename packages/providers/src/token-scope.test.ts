// The scope each provider's tokens need, moved here from @bots/auth with the provider knowledge
// (auth knows no provider): the resolveScope tests of auth-method.test.ts, two tests of
// token-provider-from-env.test.ts and two bad-input cases, with the same assertions.
import {
  AI_FOUNDRY_SCOPE,
  COGNITIVE_SERVICES_SCOPE,
  ConfigurationError,
  registerSecret,
} from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { resolveScope, tokenProviderForProvider } from './token-scope.js';

describe('resolveScope', () => {
  it('uses the Cognitive Services scope for azure-openai and when no provider is named', () => {
    expect(resolveScope({ env: {}, provider: 'azure-openai' })).toBe(COGNITIVE_SERVICES_SCOPE);
    expect(resolveScope({ env: {} })).toBe(COGNITIVE_SERVICES_SCOPE);
  });

  it('lets AZURE_AUTH_SCOPE override, and an explicit scope override both', () => {
    const env = { AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE };
    expect(resolveScope({ env, provider: 'azure-openai' })).toBe(AI_FOUNDRY_SCOPE);
    expect(resolveScope({ env, provider: 'anthropic' })).toBe(AI_FOUNDRY_SCOPE);
    expect(resolveScope({ env, provider: 'anthropic', scope: 'api://mine/.default' })).toBe(
      'api://mine/.default',
    );
  });

  it('refuses to guess the scope for anthropic and says what to set', () => {
    const attempt = () => resolveScope({ env: {}, provider: 'anthropic' });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      /Set AZURE_AUTH_SCOPE=https:\/\/ai\.azure\.com\/\.default .*or pass tokenProvider/,
    );
  });

  it('gives no scope for providers that never take an Entra ID token', () => {
    const env = { AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE };
    expect(resolveScope({ env, provider: 'openai' })).toBeUndefined();
    expect(resolveScope({ env, provider: 'ollama-local' })).toBeUndefined();
  });

  it('takes the Foundry scope for the Azure OpenAI v1 API from the endpoint', () => {
    const env = { AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com/openai/v1' };
    expect(resolveScope({ env, provider: 'azure-openai' })).toBe(AI_FOUNDRY_SCOPE);
  });
});

const missingIdentity = async () => {
  throw Object.assign(new Error("Cannot find module '@azure/identity'"), {
    code: 'MODULE_NOT_FOUND',
  });
};

describe('tokenProviderForProvider (tokenProviderFromEnv with the provider deciding the scope)', () => {
  it('rejects anthropic with azure_ad and no scope, before loading anything', async () => {
    await expect(
      tokenProviderForProvider({
        env: { AZURE_AUTH_METHOD: 'azure_ad' },
        provider: 'anthropic',
        importer: missingIdentity,
      }),
    ).rejects.toThrow(ConfigurationError);
  });

  it('returns nothing for providers that take no Entra ID token', async () => {
    const env = { AZURE_AUTH_METHOD: 'azure_ad' };
    expect(
      await tokenProviderForProvider({ env, provider: 'openai', importer: missingIdentity }),
    ).toBeUndefined();
    expect(
      await tokenProviderForProvider({ env, provider: 'ollama-local', importer: missingIdentity }),
    ).toBeUndefined();
  });

  it('asks the credential for the scope the provider decides', async () => {
    const scopes: unknown[] = [];
    const provider = await tokenProviderForProvider({
      env: {
        AZURE_AUTH_METHOD: 'azure_ad',
        OPEN_AI_END_POINT: 'https://r.openai.azure.com/openai/v1',
      },
      provider: 'azure-openai',
      credential: {
        async getToken(scope) {
          scopes.push(scope);
          return { token: 'scoped-token', expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
    });
    expect(await provider?.()).toBe('scoped-token');
    expect(scopes).toEqual([AI_FOUNDRY_SCOPE]);
  });
});

const SECRET_KEY = 'bad-input-key-SECRET-7777';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiYWQtaW5wdXQifQ.c2lnbmF0dXJlLWJhZA';
registerSecret(SECRET_KEY);
const ENV = { OPEN_AI_KEY: SECRET_KEY, AZURE_OPENAI_AD_TOKEN: JWT, AZURE_AUTH_METHOD: 'azure_ad' };
let imported = 0;
const importer = async () => {
  imported++;
  throw new Error('@azure/identity must not be loaded for bad input');
};

const cases: [label: string, call: () => unknown, message: RegExp][] = [
  [
    'an unknown provider',
    () => tokenProviderForProvider({ env: ENV, provider: 'azure' as never, importer }),
    /^provider must be one of "azure-openai", "anthropic", "openai", "ollama-local", but got "azure"\. It decides the default scope\./,
  ],
  [
    'anthropic with azure_ad and no scope',
    () => tokenProviderForProvider({ env: ENV, provider: 'anthropic', importer }),
    /token scope for anthropic cannot be inferred\. Set AZURE_AUTH_SCOPE=https:\/\/ai\.azure\.com\/\.default/,
  ],
];

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad input (moved from @bots/auth)', () => {
  it.each(cases)(
    '%s: a ConfigurationError that names the option, the value and the fix',
    async (_label, call, message) => {
      imported = 0;
      const error = await caught(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
      const text = `${String(error)} ${(error as Error).stack ?? ''} ${JSON.stringify(error)}`;
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(JWT);
      expect(text).not.toContain('eyJ');
      expect(imported).toBe(0);
    },
  );
});
