import {
  AI_FOUNDRY_SCOPE,
  COGNITIVE_SERVICES_SCOPE,
  ConfigurationError,
  cachedTokenProvider,
  redact,
} from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import type { ModelConnection } from '@bots/providers';
import type { BearerTokenProvider, ProviderConfig } from '@github/copilot-sdk';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  copilotProvider,
  providerShape,
  UnsupportedCopilotProviderError,
} from '../src/copilot-provider.js';
import type { CopilotProviderConfig } from '../src/copilot-provider-config.js';
import { keylessRequestHandler } from '../src/keyless-request-handler.js';
import { createKeylessSession } from '../src/keyless-session.js';
import { keylessSourceOf } from '../src/keyless-source.js';

const emulator = useEmulator();
const args = { providerName: 'default', sessionId: 'test-session' };

beforeAll(() => {
  // @azure/identity (msal-node) reads the managed-identity variables from process.env itself.
  for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
    vi.stubEnv(name, value);
  }
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const managedIdentity = () => ({
  AZURE_AUTH_METHOD: 'azure_ad',
  ...emulator.credentialEnv('app-service'),
});

describe('copilotProvider: the v1 API', () => {
  it('is type openai at <resource>/openai/v1/, with a bearerTokenProvider of ai.azure.com tokens from the cache', async () => {
    const provider = await copilotProvider('azure-openai/gpt-4o', {
      env: { ...managedIdentity(), AZURE_OPENAI_ENDPOINT: emulator.urls.azureOpenAIv1 },
      wireApi: 'responses',
    });
    expect({ ...provider, bearerTokenProvider: typeof provider.bearerTokenProvider }).toEqual({
      type: 'openai',
      baseUrl: `${emulator.urls.azureOpenAIv1}/`,
      wireApi: 'responses',
      wireModel: 'gpt-4o',
      bearerTokenProvider: 'function',
    });
    expect(keylessSourceOf(provider)?.connection.scope).toBe(AI_FOUNDRY_SCOPE);

    const first = await provider.bearerTokenProvider?.(args);
    const second = await provider.bearerTokenProvider?.(args);
    expect(second).toBe(first);
    expect(emulator.verifyToken(first ?? '')).toMatchObject({
      valid: true,
      claims: { aud: 'https://ai.azure.com' },
    });
    // One identity call for both: the @bots/auth cache answered the second.
    expect(emulator.requests.ofKind('identity')).toHaveLength(1);
    // Nothing secret in the config itself: the token lives behind the callback.
    expect(JSON.stringify(provider)).not.toContain(first);
  });

  it('takes the wire API from OPEN_AI_WIRE_API, completions by default', async () => {
    const env = { ...managedIdentity(), AZURE_OPENAI_ENDPOINT: `${emulator.urls.azureOpenAIv1}/` };
    expect((await copilotProvider('azure-openai/gpt-4o', { env })).wireApi).toBe('completions');
    const responses = await copilotProvider('azure-openai/gpt-4o', {
      env: { ...env, OPEN_AI_WIRE_API: 'responses' },
    });
    expect(responses.wireApi).toBe('responses');
    expect(responses.baseUrl).toBe(`${emulator.urls.azureOpenAIv1}/`);
  });
});

describe('copilotProvider: the dated API', () => {
  it('is type azure with the host only and azure.apiVersion, with cognitiveservices tokens', async () => {
    const provider = await copilotProvider('azure-openai/my-deployment', {
      env: {
        ...managedIdentity(),
        AZURE_OPENAI_ENDPOINT: `${emulator.urls.azureOpenAI}/`,
        AZURE_OPENAI_API_VERSION: '2024-10-21',
      },
    });
    expect(provider).toMatchObject({
      type: 'azure',
      baseUrl: emulator.url,
      azure: { apiVersion: '2024-10-21' },
      wireApi: 'completions',
      wireModel: 'my-deployment',
    });
    expect(keylessSourceOf(provider)?.connection.scope).toBe(COGNITIVE_SERVICES_SCOPE);
    const token = await provider.bearerTokenProvider?.(args);
    expect(emulator.verifyToken(token ?? '').claims?.aud).toBe(
      'https://cognitiveservices.azure.com',
    );
  });

  it('uses the tokenProvider option over AZURE_AUTH_METHOD, and keeps its cache', async () => {
    let fetches = 0;
    const tokenProvider = cachedTokenProvider(async () => {
      fetches += 1;
      return emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' });
    });
    const provider = await copilotProvider('azure-openai/gpt-4o', {
      env: {
        AZURE_OPENAI_ENDPOINT: 'https://myresource.openai.azure.com/',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
      },
      tokenProvider,
    });
    expect(provider.baseUrl).toBe('https://myresource.openai.azure.com');
    await provider.bearerTokenProvider?.(args);
    await provider.bearerTokenProvider?.(args);
    expect(fetches).toBe(1);
    tokenProvider.invalidate();
    await provider.bearerTokenProvider?.(args);
    expect(fetches).toBe(2);
  });
});

describe('copilotProvider: keys, other providers', () => {
  it('gives apiKey where a key is configured, and no bearer token', async () => {
    const provider = await copilotProvider('azure-openai/gpt-4o', {
      env: {
        AZURE_OPENAI_ENDPOINT: 'https://myresource.openai.azure.com',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
        AZURE_OPENAI_API_KEY: 'test-key-1234567890',
      },
    });
    expect(provider).toEqual({
      type: 'azure',
      baseUrl: 'https://myresource.openai.azure.com',
      azure: { apiVersion: '2024-10-21' },
      wireApi: 'completions',
      wireModel: 'gpt-4o',
      apiKey: 'test-key-1234567890',
    });
    expect(keylessSourceOf(provider)).toBeUndefined();
  });

  it('maps openai, anthropic and ollama-local', async () => {
    expect(
      await copilotProvider('openai/gpt-4o', {
        env: { OPENAI_API_KEY: 'sk-test-abcdefghijklmnop' },
      }),
    ).toMatchObject({
      type: 'openai',
      baseUrl: 'https://api.openai.com/v1/',
      apiKey: 'sk-test-abcdefghijklmnop',
    });
    expect(
      await copilotProvider('anthropic/claude-sonnet', {
        env: { ...emulator.env, ANTHROPIC_API_KEY: 'anthropic-test-key' },
      }),
    ).toMatchObject({
      type: 'anthropic',
      baseUrl: emulator.urls.anthropicFoundry,
      wireModel: 'claude-sonnet',
      apiKey: 'anthropic-test-key',
    });
    expect(
      await copilotProvider('ollama-local/llama3', { env: { LOCAL_MODEL_PORT: '11500' } }),
    ).toEqual({
      type: 'openai',
      baseUrl: 'http://localhost:11500/v1/',
      wireApi: 'completions',
      wireModel: 'llama3',
    });
  });

  it('refuses a provider the SDK cannot take, naming what to use instead', () => {
    const connection: ModelConnection = {
      provider: 'bedrock',
      model: 'claude',
      endpoint: 'https://bedrock.example',
      auth: 'key',
      client: 'custom',
    };
    expect(() => providerShape(connection)).toThrow(UnsupportedCopilotProviderError);
    expect(() => providerShape(connection)).toThrow(
      /The Copilot SDK cannot reach the provider "bedrock": its provider types are openai, azure and anthropic.*Use one of those model strings \(e\.g\. azure-openai\/<deployment>\)/,
    );
    expect(new UnsupportedCopilotProviderError('x')).toBeInstanceOf(ConfigurationError);
  });
});

describe('copilotProvider: static tokens', () => {
  it("tokenDelivery 'static' gives a bearerToken from the cache, registered for redaction", async () => {
    const provider = await copilotProvider('azure-openai/gpt-4o', {
      env: { ...managedIdentity(), AZURE_OPENAI_ENDPOINT: emulator.urls.azureOpenAIv1 },
      tokenDelivery: 'static',
    });
    expect(provider.bearerTokenProvider).toBeUndefined();
    expect(emulator.verifyToken(provider.bearerToken ?? '').valid).toBe(true);
    expect(redact(`Bearer ${provider.bearerToken}`)).not.toContain(provider.bearerToken);
    const refreshed = await keylessSourceOf(provider)?.refresh();
    expect(refreshed?.bearerToken).toBe(provider.bearerToken);
    expect(keylessSourceOf(refreshed)).toBeDefined();
  });
});

describe('copilotProvider: bad input fails at creation', () => {
  it('an unknown option, a bad tokenDelivery, a bad wireApi', async () => {
    const env = {
      AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com/openai/v1',
      AZURE_OPENAI_API_KEY: 'k-123456789',
    };
    await expect(
      copilotProvider('azure-openai/gpt-4o', { env, wireAPI: 'responses' } as never),
    ).rejects.toThrow(/copilotProvider options has no option "wireAPI"\. Did you mean wireApi\?/);
    await expect(
      copilotProvider('azure-openai/gpt-4o', { env, tokenDelivery: 'header' as never }),
    ).rejects.toThrow('tokenDelivery must be one of "callback", "static", but got "header".');
    await expect(
      copilotProvider('azure-openai/gpt-4o', { env, wireApi: 'chat' as never }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('no endpoint, no credentials: the errors of resolveConnection, which name what to set', async () => {
    await expect(copilotProvider('azure-openai/gpt-4o', { env: {} })).rejects.toThrow(
      /AZURE_OPENAI_ENDPOINT|OPEN_AI_END_POINT/,
    );
    await expect(copilotProvider('nope/x', { env: {} })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('createKeylessSession refuses a bearer config not made by copilotProvider', async () => {
    const client = {
      createSession: async () => expect.unreachable('no session for a foreign provider'),
      resumeSession: async () => expect.unreachable(),
    };
    await expect(
      createKeylessSession(
        client as never,
        {
          provider: { type: 'openai', baseUrl: 'https://x/', bearerToken: 'abc' },
        } as never,
      ),
    ).rejects.toThrow(/was not made by copilotProvider/);
  });
});

describe('keylessRequestHandler', () => {
  it('refuses anything but the SDK class, and subclasses the one it gets', async () => {
    expect(() => keylessRequestHandler(undefined as never)).toThrow(
      "CopilotRequestHandler must be a function, but got undefined. Pass the CopilotRequestHandler class of '@github/copilot-sdk'.",
    );
    const { CopilotRequestHandler } = await import('@github/copilot-sdk');
    expect(keylessRequestHandler(CopilotRequestHandler)).toBeInstanceOf(CopilotRequestHandler);
  });
});

describe('types', () => {
  it("CopilotProviderConfig fits the SDK's ProviderConfig", () => {
    expectTypeOf<CopilotProviderConfig>().toExtend<ProviderConfig>();
    expectTypeOf<
      NonNullable<CopilotProviderConfig['bearerTokenProvider']>
    >().toExtend<BearerTokenProvider>();
  });
});
