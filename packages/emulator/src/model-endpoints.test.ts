import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import Anthropic from '@anthropic-ai/sdk';
import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearAmbientEnvironment } from '../test/clear-ambient-environment.js';
import { useEmulator } from './testing/use-emulator.js';

const emulator = useEmulator();
beforeEach(() => {
  clearAmbientEnvironment();
  emulator.requests.clear();
  emulator.setScript(undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const tokenFor = (audience: string) => async () => emulator.issueToken({ audience }).token;

describe('Azure OpenAI, dated deployments API', () => {
  it('serves AzureOpenAI chat completions with a managed-identity token from DefaultAzureCredential', async () => {
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env['IDENTITY_ENDPOINT']);
    vi.stubEnv('IDENTITY_HEADER', emulator.env['IDENTITY_HEADER']);
    emulator.setScript(['{"task_done": true, "thoughts": "hi", "command": ""}']);
    const client = new AzureOpenAI({
      azureADTokenProvider: getBearerTokenProvider(
        new DefaultAzureCredential(),
        'https://cognitiveservices.azure.com/.default',
      ),
      endpoint: emulator.env['AZURE_OPENAI_ENDPOINT'],
      apiVersion: emulator.env['AZURE_OPENAI_API_VERSION'],
      deployment: 'gpt-4o-mini',
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Say hi' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe(
      '{"task_done": true, "thoughts": "hi", "command": ""}',
    );
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);

    const request = emulator.requests.last('azure-openai');
    expect(request).toMatchObject({
      method: 'POST',
      path: '/openai/deployments/gpt-4o-mini/chat/completions',
      query: { 'api-version': '2024-10-21' },
      status: 200,
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Say hi' },
      ],
      auth: {
        scheme: 'bearer',
        accepted: true,
        jsonWebToken: true,
        audience: 'https://cognitiveservices.azure.com',
      },
    });
    expect(emulator.requests.ofKind('identity')).toHaveLength(1);
  });

  it('serves AzureOpenAI responses at /openai/responses?api-version=', async () => {
    emulator.setScript(['responded']);
    const client = new AzureOpenAI({
      azureADTokenProvider: tokenFor('https://cognitiveservices.azure.com'),
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: '2025-04-01-preview',
      deployment: 'gpt-4.1',
    });
    const response = await client.responses.create({
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      input: 'Hello',
    });
    expect(response.output_text).toBe('responded');
    expect(response.status).toBe('completed');
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    expect(emulator.requests.last()).toMatchObject({
      kind: 'azure-openai',
      path: '/openai/responses',
      query: { 'api-version': '2025-04-01-preview' },
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('accepts the api-key header', async () => {
    const client = new AzureOpenAI({
      apiKey: emulator.keyEnv['AZURE_OPENAI_API_KEY'],
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toContain('no model script');
    expect(emulator.requests.last()?.auth).toMatchObject({
      scheme: 'api-key',
      header: 'api-key',
      keyName: 'azureOpenAI',
      accepted: true,
    });
  });
});

describe('Azure OpenAI v1 API', () => {
  it('serves a plain OpenAI client with a Foundry-audience token as its key', async () => {
    emulator.setScript(['one', 'two']);
    const client = new OpenAI({
      baseURL: emulator.urls.azureOpenAIv1,
      apiKey: tokenFor('https://ai.azure.com'),
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('one');
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(response.output_text).toBe('two');
    expect(emulator.requests.ofKind('azure-openai-v1').map((entry) => entry.path)).toEqual([
      '/openai/v1/chat/completions',
      '/openai/v1/responses',
    ]);
    expect(emulator.requests.last()?.auth.audience).toBe('https://ai.azure.com');
  });

  it('accepts the resource key as a bearer (plain OpenAI client) and as api-key', async () => {
    const client = new OpenAI({
      baseURL: emulator.urls.azureOpenAIv1,
      apiKey: emulator.apiKeys.azureOpenAI,
    });
    await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const response = await fetch(`${emulator.urls.azureOpenAIv1}/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': emulator.apiKeys.azureOpenAI, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(emulator.requests.ofKind('azure-openai-v1').map((entry) => entry.auth.scheme)).toEqual([
      'bearer',
      'api-key',
    ]);
  });
});

describe('Anthropic', () => {
  it('serves AnthropicFoundry with a token provider at /anthropic/v1/messages', async () => {
    emulator.setScript([{ text: 'from claude', usage: { inputTokens: 11, outputTokens: 3 } }]);
    const client = new AnthropicFoundry({
      baseURL: emulator.urls.anthropicFoundry,
      azureADTokenProvider: tokenFor('https://ai.azure.com'),
    });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'from claude' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 11, output_tokens: 3 });
    expect(emulator.requests.last()).toMatchObject({
      kind: 'anthropic-foundry',
      path: '/anthropic/v1/messages',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hi' },
      ],
      auth: { scheme: 'bearer', audience: 'https://ai.azure.com', accepted: true },
    });
  });

  it('serves AnthropicFoundry with an API key (x-api-key)', async () => {
    const client = new AnthropicFoundry({
      baseURL: emulator.urls.anthropicFoundry,
      apiKey: emulator.apiKeys.anthropic,
    });
    await client.messages.create({
      model: 'claude',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(emulator.requests.last()?.auth).toMatchObject({
      scheme: 'api-key',
      header: 'x-api-key',
      accepted: true,
    });
  });

  it('serves the Anthropic API with x-api-key and anthropic-version', async () => {
    emulator.setScript([{ text: 'cut', finishReason: 'length' }, 'ok']);
    const client = new Anthropic({
      baseURL: emulator.urls.anthropic,
      apiKey: emulator.keyEnv['ANTHROPIC_API_KEY'],
    });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content[0]).toEqual({ type: 'text', text: 'cut' });
    expect(message.stop_reason).toBe('max_tokens');
    // @anthropic-ai/sdk 1.x sends the key as a bearer; older versions sent x-api-key.
    expect(emulator.requests.last()).toMatchObject({
      kind: 'anthropic',
      path: '/v1/messages',
      auth: { scheme: 'bearer', jsonWebToken: false, keyName: 'anthropic', accepted: true },
    });
    const withHeader = await fetch(`${emulator.urls.anthropic}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': emulator.apiKeys.anthropic,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(withHeader.status).toBe(200);
    expect(emulator.requests.last()?.headers['anthropic-version']).toBeDefined();
  });
});

describe('OpenAI', () => {
  it('serves chat completions and responses with a bearer key', async () => {
    emulator.setScript(['chat', 'responses']);
    const client = new OpenAI({
      baseURL: emulator.env['OPENAI_ENDPOINT'],
      apiKey: emulator.keyEnv['OPENAI_API_KEY'],
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('chat');
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(response.output_text).toBe('responses');
    expect(emulator.requests.ofKind('openai').map((entry) => entry.auth.keyName)).toEqual([
      'openai',
      'openai',
    ]);
  });
});

describe('Ollama (its own port)', () => {
  it('serves /api/chat natively, /v1/chat/completions and /api/tags without auth', async () => {
    emulator.setScript(['native', 'streamed by default', 'compatible']);
    const base = `http://127.0.0.1:${emulator.env['LOCAL_MODEL_PORT']}`;
    expect(base).toBe(emulator.urls.ollama);
    const native = await fetch(`${base}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'llama3.2',
        stream: false,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(await native.json()).toMatchObject({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'native' },
      done: true,
    });
    const streamed = await fetch(`${base}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(streamed.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await streamed.text()).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      message: { content: 'streamed by default' },
      done: true,
    });

    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'ollama' });
    const completion = await client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('compatible');

    const tags = (await (await fetch(`${base}/api/tags`)).json()) as { models: { name: string }[] };
    expect(tags.models.map((model) => model.name)).toEqual(['llama3.2:latest']);
    expect(await (await fetch(base)).text()).toBe('Ollama is running');
    expect(emulator.requests.ofKind('ollama').every((entry) => entry.auth.accepted)).toBe(true);
  });
});

describe('environment and URLs', () => {
  it('exports endpoints without keys in env, and the keys in keyEnv', () => {
    const base = emulator.urls.base;
    expect(emulator.env).toEqual({
      IDENTITY_ENDPOINT: `${base}/msi/token`,
      IDENTITY_HEADER: emulator.identityHeader,
      AZURE_OPENAI_ENDPOINT: base,
      OPEN_AI_END_POINT: base,
      AZURE_OPENAI_API_VERSION: '2024-10-21',
      OPEN_AI_API_VERSION: '2024-10-21',
      OPENAI_API_VERSION: '2024-10-21',
      ANTHROPIC_END_POINT: `${base}/anthropic`,
      OPENAI_ENDPOINT: `${base}/v1`,
      LOCAL_MODEL_PORT: new URL(emulator.urls.ollama).port,
    });
    expect(emulator.keyEnv).toEqual({
      OPEN_AI_KEY: 'emulator-azure-openai-key',
      AZURE_OPENAI_API_KEY: 'emulator-azure-openai-key',
      ANTHROPIC_API_KEY: 'emulator-anthropic-key',
      OPENAI_API_KEY: 'emulator-openai-key',
    });
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('publishes the public signing key as a JWKS', async () => {
    const jwks = (await (await fetch(emulator.urls.jwks)).json()) as { keys: unknown[] };
    expect(jwks.keys).toEqual([emulator.publicJwk]);
    expect(emulator.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });
});
