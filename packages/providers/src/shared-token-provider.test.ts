import { clearSharedTokenProviders, sharedTokenProviderCount } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { resolveConnection } from './resolve-connection.js';
import { tokenProviderForProvider } from './token-scope.js';

// Models resolved from the same env share @bots/auth's one provider for that credential and
// scope; a token provider of the user's is used as given, never merged with another. The real
// @azure/identity (managed identity, App Service shape) against the emulator; 120-s tokens, which
// msal-node's own cache does not keep, so the identity calls counted are @bots/auth's.
const emulator = useEmulator({
  tokenLifetimeSeconds: 120,
  script: () => ({ text: 'pong', usage: { inputTokens: 5, outputTokens: 1 } }),
});

beforeAll(() => {
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

const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };
const env = () => ({
  AZURE_AUTH_METHOD: 'managed_identity',
  OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
  OPEN_AI_API_VERSION: emulator.apiVersion,
});

describe('shared token providers through @bots/providers', () => {
  it('resolveConnection and tokenProviderForProvider hand out the same provider for the same env and scope', async () => {
    const first = await resolveConnection('azure-openai/gpt-4o', { env: env() });
    const second = await resolveConnection('azure-openai/gpt-4o-mini', { env: env() });
    const direct = await tokenProviderForProvider({ provider: 'azure-openai', env: env() });
    expect(first.tokenProvider).toBeDefined();
    expect(second.tokenProvider).toBe(first.tokenProvider);
    expect(direct).toBe(first.tokenProvider);
    // The v1 API's scope (Foundry) is another provider.
    const v1 = await resolveConnection('azure-openai/gpt-4o', {
      env: {
        AZURE_AUTH_METHOD: 'managed_identity',
        OPEN_AI_END_POINT: emulator.urls.azureOpenAIv1,
      },
    });
    expect(v1.tokenProvider).not.toBe(first.tokenProvider);
    expect(sharedTokenProviderCount()).toBe(2);
  });

  it('10 models created separately: one identity call for all their requests', async () => {
    const before = emulator.tokenRequestCount;
    const models = await Promise.all(
      Array.from({ length: 10 }, () => createChatModel('azure-openai/gpt-4o', { env: env() })),
    );
    await Promise.all(models.map((model) => model.complete(hello)));
    expect(emulator.tokenRequestCount - before).toBe(1);
  });

  it("a user's own token provider is used as given: called for each request, never shared", async () => {
    const issue = () =>
      emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' }).token;
    let callsA = 0;
    let callsB = 0;
    const tokenA = issue();
    const tokenB = issue();
    const modelA = await createChatModel('azure-openai/gpt-4o', {
      env: env(),
      tokenProvider: async () => {
        callsA += 1;
        return tokenA;
      },
    });
    const modelB = await createChatModel('azure-openai/gpt-4o', {
      env: env(),
      tokenProvider: () => {
        callsB += 1;
        return tokenB;
      },
    });
    const before = emulator.tokenRequestCount;
    emulator.requests.clear();
    await modelA.complete(hello);
    await modelB.complete(hello);
    await modelA.complete(hello);
    expect([callsA, callsB]).toEqual([2, 1]);
    const ids = emulator.requests.ofKind('azure-openai').map((request) => request.auth.tokenId);
    const idOf = (token: string) => emulator.verifyToken(token).claims?.jti;
    expect(ids).toEqual([idOf(tokenA), idOf(tokenB), idOf(tokenA)]);
    expect(emulator.tokenRequestCount).toBe(before);
    expect(sharedTokenProviderCount()).toBe(0);
  });
});
