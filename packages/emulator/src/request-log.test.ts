import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import { ManagedIdentityCredential } from '@azure/identity';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterEach, expect, it, vi } from 'vitest';
import { clearAmbientEnvironment } from '../test/clear-ambient-environment.js';
import { useEmulator } from './testing/use-emulator.js';

const emulator = useEmulator({
  apiKeys: { azureOpenAI: 'azure-secret-key-1234', openai: 'sk-openai-secret-5678' },
});
afterEach(() => {
  vi.unstubAllEnvs();
});

it('records every request with its kind, auth summary and body, and never a secret in clear', async () => {
  clearAmbientEnvironment();
  vi.stubEnv('IDENTITY_ENDPOINT', emulator.env['IDENTITY_ENDPOINT']);
  vi.stubEnv('IDENTITY_HEADER', emulator.env['IDENTITY_HEADER']);
  emulator.setScript(['a', 'b', 'c', 'd']);
  const credential = new ManagedIdentityCredential();
  const secrets: string[] = [emulator.identityHeader, ...Object.values(emulator.apiKeys)];
  const tokenProvider = (scope: string) => async () => {
    const { token } = await credential.getToken(scope);
    secrets.push(token);
    return token;
  };

  await new AzureOpenAI({
    azureADTokenProvider: tokenProvider('https://cognitiveservices.azure.com/.default'),
    endpoint: emulator.urls.azureOpenAI,
    apiVersion: emulator.apiVersion,
  }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one' }] });
  await new AnthropicFoundry({
    baseURL: emulator.urls.anthropicFoundry,
    azureADTokenProvider: tokenProvider('https://ai.azure.com/.default'),
  }).messages.create({
    model: 'claude',
    max_tokens: 9,
    messages: [{ role: 'user', content: 'two' }],
  });
  await new AzureOpenAI({
    apiKey: emulator.apiKeys.azureOpenAI,
    endpoint: emulator.urls.azureOpenAI,
    apiVersion: emulator.apiVersion,
  }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'three' }] });
  await new OpenAI({
    baseURL: emulator.urls.openai,
    apiKey: emulator.apiKeys.openai,
  }).chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'four' }],
  });

  const log = emulator.requests.all();
  expect(log.map((entry) => [entry.sequence, entry.kind, entry.status])).toEqual([
    [1, 'identity', 200],
    [2, 'azure-openai', 200],
    [3, 'identity', 200],
    [4, 'anthropic-foundry', 200],
    [5, 'azure-openai', 200],
    [6, 'openai', 200],
  ]);
  expect(emulator.tokenRequestCount).toBe(2);
  const [identity, azureWithToken, , foundry, azureWithKey, openai] = log;
  expect(azureWithToken).toMatchObject({
    method: 'POST',
    path: '/openai/deployments/gpt-4o/chat/completions',
    query: { 'api-version': emulator.apiVersion },
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'one' }],
    replyText: 'a',
    body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'one' }] },
    auth: {
      scheme: 'bearer',
      header: 'authorization',
      jsonWebToken: true,
      accepted: true,
      audience: 'https://cognitiveservices.azure.com',
      tokenId: identity?.issuedToken?.tokenId,
      expired: false,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
    },
  });
  expect(azureWithToken?.auth.expiresAt).toBe(identity?.issuedToken?.expiresAt);
  expect(azureWithToken?.headers['authorization']).toMatch(
    /^Bearer <redacted sha256:[0-9a-f]{12}>$/,
  );
  expect(azureWithToken?.time).toBeGreaterThan(0);
  expect(foundry?.auth.audience).toBe('https://ai.azure.com');
  expect(azureWithKey?.headers['api-key']).toMatch(/^<redacted sha256:/);
  expect(azureWithKey?.auth).toMatchObject({ scheme: 'api-key', keyName: 'azureOpenAI' });
  expect(openai?.auth).toMatchObject({ scheme: 'bearer', jsonWebToken: false, keyName: 'openai' });

  const serialized = JSON.stringify(log);
  expect(secrets.length).toBeGreaterThanOrEqual(6);
  for (const secret of secrets) expect(serialized).not.toContain(secret);
  for (const token of secrets.filter((secret) => secret.split('.').length === 3)) {
    expect(serialized).not.toContain(token.split('.')[2]!);
  }

  expect(emulator.requests.ofKind('identity', 'openai')).toHaveLength(3);
  expect(emulator.requests.last('azure-openai')).toBe(azureWithKey);
  expect([...emulator.requests]).toHaveLength(6);
  emulator.requests.clear();
  expect(emulator.requests.length).toBe(0);
  expect(emulator.tokenRequestCount).toBe(2);
});
