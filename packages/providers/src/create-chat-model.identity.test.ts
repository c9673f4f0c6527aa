import { cachedTokenProvider } from '@bots/auth';
import { DEFAULT_CLIENT_ID } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatModel } from './create-chat-model.js';

// The real @azure/identity, through AZURE_AUTH_METHOD, getting tokens from the emulator's
// managed-identity endpoint (App Service shape). @azure/identity reads IDENTITY_ENDPOINT and
// IDENTITY_HEADER from process.env itself, so those are stubbed there; everything else is the
// injected env.
const emulator = useEmulator({
  script: () => ({ text: 'pong', usage: { inputTokens: 5, outputTokens: 1 } }),
});

afterEach(() => {
  vi.unstubAllEnvs();
  emulator.requests.clear();
  emulator.clearFaults();
});

const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };

function useManagedIdentityEndpoint(): void {
  for (const name of [
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_FEDERATED_TOKEN_FILE',
    'AZURE_TOKEN_CREDENTIALS',
    'MSI_ENDPOINT',
    'MSI_SECRET',
    'IDENTITY_SERVER_THUMBPRINT',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
  vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
}

describe('createChatModel with the real @azure/identity (emulator managed identity)', () => {
  it.each([
    ['azure_ad', 'DefaultAzureCredential'],
    ['managed_identity', 'ManagedIdentityCredential'],
  ])(
    'AZURE_AUTH_METHOD=%s (%s), dated deployments API: Cognitive Services audience',
    async (method) => {
      useManagedIdentityEndpoint();
      const model = await createChatModel('azure-openai/gpt-4o', {
        env: {
          AZURE_AUTH_METHOD: method,
          OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
          OPEN_AI_API_VERSION: emulator.apiVersion,
        },
      });
      expect(model.connection?.auth).toBe('token');

      expect((await model.complete(hello)).text).toBe('pong');

      // @azure/identity (MSAL) caches tokens process-wide, so only the first test fetches one.
      expect(emulator.tokenRequestCount).toBeGreaterThanOrEqual(1);
      expect(emulator.requests.ofKind('identity').every((request) => request.status === 200)).toBe(
        true,
      );
      const call = emulator.requests.last('azure-openai');
      expect(call).toMatchObject({
        path: '/openai/deployments/gpt-4o/chat/completions',
        query: { 'api-version': emulator.apiVersion },
        status: 200,
      });
      expect(call?.auth).toMatchObject({
        scheme: 'bearer',
        accepted: true,
        jsonWebToken: true,
        audience: 'https://cognitiveservices.azure.com',
        clientId: DEFAULT_CLIENT_ID,
      });
    },
  );

  it('AZURE_AUTH_METHOD=managed_identity, v1 API: Foundry audience', async () => {
    useManagedIdentityEndpoint();
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: {
        AZURE_AUTH_METHOD: 'managed_identity',
        OPEN_AI_END_POINT: emulator.urls.azureOpenAIv1,
      },
      wireApi: 'responses',
    });
    expect((await model.complete(hello)).text).toBe('pong');
    expect(emulator.requests.last('azure-openai-v1')).toMatchObject({
      path: '/openai/v1/responses',
      status: 200,
      auth: { scheme: 'bearer', accepted: true, audience: 'https://ai.azure.com' },
    });
  });

  it('AZURE_AUTH_METHOD=managed_identity with AZURE_AUTH_SCOPE for anthropic on Foundry', async () => {
    useManagedIdentityEndpoint();
    const model = await createChatModel('anthropic/claude-sonnet', {
      env: {
        AZURE_AUTH_METHOD: 'managed_identity',
        AZURE_AUTH_SCOPE: 'https://ai.azure.com/.default',
        ANTHROPIC_END_POINT: emulator.urls.anthropicFoundry,
      },
    });
    expect((await model.complete(hello)).text).toBe('pong');
    expect(emulator.requests.last('anthropic-foundry')).toMatchObject({
      path: '/anthropic/v1/messages',
      status: 200,
      auth: { scheme: 'bearer', accepted: true, audience: 'https://ai.azure.com' },
    });
  });

  it('a 401 (injected): the env provider is invalidated and the request sent once more', async () => {
    useManagedIdentityEndpoint();
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: {
        AZURE_AUTH_METHOD: 'managed_identity',
        OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
        OPEN_AI_API_VERSION: emulator.apiVersion,
      },
    });
    emulator.inject({ status: 401 }, { kinds: ['azure-openai'] });
    expect((await model.complete(hello)).text).toBe('pong');
    expect(emulator.requests.ofKind('azure-openai').map((request) => request.status)).toEqual([
      401, 200,
    ]);
  });

  it('a revoked token: one 401, the cached provider is invalidated, one fresh token, then success', async () => {
    const tokenProvider = cachedTokenProvider(async () =>
      emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' }),
    );
    const model = await createChatModel('azure-openai/gpt-4o', {
      tokenProvider,
      env: {
        OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
        OPEN_AI_API_VERSION: emulator.apiVersion,
      },
    });
    expect((await model.complete(hello)).text).toBe('pong');
    expect(tokenProvider.stats.fetches).toBe(1);
    emulator.requests.clear();

    expect(emulator.revokeIssuedTokens()).toBeGreaterThanOrEqual(1);
    expect((await model.complete(hello)).text).toBe('pong');

    const calls = emulator.requests.ofKind('azure-openai');
    expect(calls.map((request) => request.status)).toEqual([401, 200]);
    expect(calls[0]?.auth.reason).toMatch(/revoked/);
    expect(calls[1]?.auth.tokenId).not.toBe(calls[0]?.auth.tokenId);
    expect(tokenProvider.stats.fetches).toBe(2);
  });

  it('a token that stays rejected: one retry only, then ModelAuthenticationError', async () => {
    const tokenProvider = cachedTokenProvider(async () =>
      emulator.issueToken({ audience: 'https://ai.azure.com' }),
    );
    const model = await createChatModel('azure-openai/gpt-4o', {
      tokenProvider,
      env: {
        OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
        OPEN_AI_API_VERSION: emulator.apiVersion,
      },
    });
    await expect(model.complete(hello)).rejects.toMatchObject({
      name: 'ModelAuthenticationError',
      status: 401,
      provider: 'azure-openai',
    });
    expect(emulator.requests.ofKind('azure-openai').map((request) => request.status)).toEqual([
      401, 401,
    ]);
    expect(tokenProvider.stats.fetches).toBe(2);
  });
});
