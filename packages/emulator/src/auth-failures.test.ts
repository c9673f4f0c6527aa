import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearAmbientEnvironment } from '../test/clear-ambient-environment.js';
import { startEmulator } from './start-emulator.js';
import { useEmulator } from './testing/use-emulator.js';

let now = Date.now();

const emulator = useEmulator({ clock: () => now, deployments: ['gpt-4o-mini', 'claude'] });
beforeEach(() => {
  clearAmbientEnvironment();
  now = Date.now();
  emulator.requests.clear();
  emulator.setScript(undefined);
});

const AZURE_TOKEN_MESSAGE =
  'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.';

function azureClient(token: string): AzureOpenAI {
  return new AzureOpenAI({
    azureADTokenProvider: async () => token,
    endpoint: emulator.urls.azureOpenAI,
    apiVersion: emulator.apiVersion,
    deployment: 'gpt-4o-mini',
    maxRetries: 0,
  });
}

async function chatError(client: OpenAI): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

async function post(url: string, headers: Record<string, string>, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const parsed: any = await response.json();
  return { status: response.status, headers: response.headers, body: parsed };
}

describe('bearer tokens', () => {
  it('refuses an expired token with 401 in the Azure shape', async () => {
    const { token, tokenId } = emulator.issueToken({
      audience: 'https://cognitiveservices.azure.com',
      lifetimeSeconds: -60,
    });
    const error = await chatError(azureClient(token));
    expect(error.status).toBe(401);
    expect(error.error).toEqual({ code: '401', message: AZURE_TOKEN_MESSAGE });
    expect(error.headers?.get('www-authenticate')).toContain('token expired');
    expect(emulator.requests.last()?.auth).toMatchObject({
      scheme: 'bearer',
      accepted: false,
      expired: true,
      reason: 'token expired',
      tokenId,
    });
  });

  it('accepts a token within its lifetime and refuses it once the clock passes exp', async () => {
    const { token } = emulator.issueToken({
      audience: 'https://cognitiveservices.azure.com',
      lifetimeSeconds: 5,
    });
    const client = azureClient(token);
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    now += 5_001;
    expect((await chatError(client)).status).toBe(401);
    expect(emulator.requests.last()?.auth.reason).toBe('token expired');
  });

  it('refuses a token that is not valid yet', async () => {
    const { token } = emulator.issueToken({
      audience: 'https://cognitiveservices.azure.com',
      notBeforeSeconds: 60,
    });
    expect((await chatError(azureClient(token))).status).toBe(401);
    expect(emulator.requests.last()?.auth.reason).toBe('token not yet valid');
  });

  it('refuses a token for another audience', async () => {
    const { token } = emulator.issueToken({ audience: 'https://ai.azure.com' });
    expect((await chatError(azureClient(token))).status).toBe(401);
    expect(emulator.requests.last()?.auth).toMatchObject({
      audience: 'https://ai.azure.com',
      accepted: false,
      reason: expect.stringMatching(/^wrong audience "https:\/\/ai\.azure\.com"/),
    });
    const management = emulator.issueToken({ audience: 'https://management.azure.com/.default' });
    const foundry = new AnthropicFoundry({
      baseURL: emulator.urls.anthropicFoundry,
      azureADTokenProvider: async () => management.token,
      maxRetries: 0,
    });
    const error = await foundry.messages
      .create({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 401,
      error: { error: { code: '401', message: expect.stringContaining('https://ai.azure.com') } },
    });
  });

  it('refuses a tampered signature and a key it does not know', async () => {
    const good = emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' }).token;
    const other = emulator.issueToken({ audience: 'https://ai.azure.com' }).token;
    const [header, payload] = good.split('.');
    const tampered = `${header}.${payload}.${other.split('.')[2]}`;
    expect((await chatError(azureClient(tampered))).status).toBe(401);
    expect(emulator.requests.last()?.auth.reason).toBe('invalid signature');

    const stranger = await startEmulator({ uniqueSigningKey: true });
    try {
      const foreign = stranger.issueToken({ audience: 'https://cognitiveservices.azure.com' });
      expect((await chatError(azureClient(foreign.token))).status).toBe(401);
      expect(emulator.requests.last()?.auth.reason).toBe('unknown signing key');
    } finally {
      await stranger.close();
    }
  });

  it('refuses an API key sent as a bearer on the dated API', async () => {
    const response = await post(
      `${emulator.urls.azureOpenAI}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
      { authorization: `Bearer ${emulator.apiKeys.azureOpenAI}` },
      { messages: [{ role: 'user', content: 'hi' }] },
    );
    expect(response.status).toBe(401);
    expect(emulator.requests.last()?.auth.reason).toBe('bearer credential is not a JWT');
  });
});

describe('API keys', () => {
  it('refuses a wrong Azure key in the Azure shape', async () => {
    const client = new AzureOpenAI({
      apiKey: 'wrong',
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
      maxRetries: 0,
    });
    const error = await chatError(client);
    expect(error.status).toBe(401);
    expect(error.error).toMatchObject({
      code: '401',
      message: expect.stringMatching(/^Access denied due to invalid subscription key/),
    });
  });

  it('refuses a request without credentials', async () => {
    const response = await post(
      `${emulator.urls.azureOpenAIv1}/chat/completions`,
      {},
      { model: 'gpt-4o-mini', messages: [] },
    );
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/missing subscription key/);
    expect(emulator.requests.last()?.auth).toMatchObject({ scheme: 'none', accepted: false });
  });

  it('refuses a wrong Anthropic key in the Anthropic shape', async () => {
    const client = new Anthropic({
      baseURL: emulator.urls.anthropic,
      apiKey: 'wrong',
      maxRetries: 0,
    });
    const error = await client.messages
      .create({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({
      status: 401,
      error: {
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
      },
    });
  });

  it('refuses a wrong Foundry key and a wrong OpenAI key', async () => {
    const foundry = new AnthropicFoundry({
      baseURL: emulator.urls.anthropicFoundry,
      apiKey: 'wrong',
      maxRetries: 0,
    });
    const foundryError = await foundry.messages
      .create({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(foundryError).toMatchObject({ status: 401 });

    const openai = new OpenAI({ baseURL: emulator.urls.openai, apiKey: 'wrong', maxRetries: 0 });
    const error = await chatError(openai);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
  });
});

describe('request validation', () => {
  const key = () => ({ 'api-key': emulator.apiKeys.azureOpenAI });
  const chat = { messages: [{ role: 'user', content: 'hi' }] };

  it('answers 404 without api-version and 400 for a malformed one on the dated API', async () => {
    const base = `${emulator.urls.azureOpenAI}/openai/deployments/gpt-4o-mini/chat/completions`;
    const missing = await post(base, key(), chat);
    expect(missing).toMatchObject({
      status: 404,
      body: { error: { code: '404', message: 'Resource not found' } },
    });
    const malformed = await post(`${base}?api-version=latest`, key(), chat);
    expect(malformed).toMatchObject({
      status: 400,
      body: { error: { message: 'API version not supported' } },
    });
    const responses = await post(`${emulator.urls.azureOpenAI}/openai/responses`, key(), {
      model: 'gpt-4o-mini',
      input: 'hi',
    });
    expect(responses.status).toBe(404);
  });

  it('answers 404 DeploymentNotFound for a deployment it does not know', async () => {
    const response = await post(
      `${emulator.urls.azureOpenAI}/openai/deployments/nope/chat/completions?api-version=2024-10-21`,
      key(),
      chat,
    );
    expect(response).toMatchObject({
      status: 404,
      body: { error: { code: 'DeploymentNotFound' } },
    });
  });

  it('requires anthropic-version and max_tokens on the Anthropic API', async () => {
    const auth = { 'x-api-key': emulator.apiKeys.anthropic };
    const noVersion = await post(`${emulator.urls.anthropic}/v1/messages`, auth, {
      model: 'claude',
      max_tokens: 5,
      messages: [],
    });
    expect(noVersion).toMatchObject({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
      },
    });
    const noMaxTokens = await post(
      `${emulator.urls.anthropic}/v1/messages`,
      { ...auth, 'anthropic-version': '2023-06-01' },
      { model: 'claude', messages: [] },
    );
    expect(noMaxTokens.body.error.message).toBe('max_tokens: Field required');
  });

  it('answers 404 to a path it does not serve', async () => {
    const unknown = await fetch(`${emulator.urls.base}/openai/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(emulator.requests.last()?.kind).toBe('unknown');
  });
});
