import { getEventListeners } from 'node:events';
import { AuthenticationError, ConfigurationError, canInvalidate } from '@bots/auth';
import { startEmulator } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { ModelAuthenticationError, ModelRequestError } from './errors.js';
import { type SelectionRow, selectionTable } from './selection-table.js';

const emulator = useEmulator({
  script: () => ({ text: 'pong', usage: { inputTokens: 7, outputTokens: 3 } }),
});

afterEach(() => {
  vi.unstubAllEnvs();
  emulator.requests.clear();
  emulator.clearFaults();
});

const FOUNDRY = 'https://ai.azure.com/.default';
const COGNITIVE = 'https://cognitiveservices.azure.com/.default';
const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };

/** A token provider that mints emulator tokens for one audience and counts its calls. */
function emulatorTokens(audience: string) {
  const counter = { calls: 0 };
  const provider = async () => {
    counter.calls++;
    return emulator.issueToken({ audience }).token;
  };
  return Object.defineProperty(provider, 'calls', {
    get: () => counter.calls,
  }) as typeof provider & {
    readonly calls: number;
  };
}

interface RowCase {
  model: string;
  env: () => Record<string, string>;
  tokenAudience?: string;
  kind: string;
  path: string;
  query?: Record<string, string>;
  scheme: 'bearer' | 'api-key' | 'none';
  header?: string;
}

function rowCase(row: SelectionRow): RowCase {
  const version = emulator.apiVersion;
  const key = `${row.tokenProvider}|${row.provider}|${row.api}`;
  switch (key) {
    case 'yes|azure-openai|deployments':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({ OPEN_AI_END_POINT: emulator.urls.azureOpenAI, OPEN_AI_API_VERSION: version }),
        tokenAudience: COGNITIVE,
        kind: 'azure-openai',
        path: '/openai/deployments/gpt-4o/chat/completions',
        query: { 'api-version': version },
        scheme: 'bearer',
        header: 'authorization',
      };
    case 'yes|azure-openai|v1':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({ OPEN_AI_END_POINT: emulator.urls.azureOpenAIv1 }),
        tokenAudience: FOUNDRY,
        kind: 'azure-openai-v1',
        path: '/openai/v1/chat/completions',
        scheme: 'bearer',
        header: 'authorization',
      };
    case 'no|azure-openai|deployments':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({
          OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
          OPEN_AI_API_VERSION: version,
          OPEN_AI_KEY: emulator.apiKeys.azureOpenAI,
        }),
        kind: 'azure-openai',
        path: '/openai/deployments/gpt-4o/chat/completions',
        query: { 'api-version': version },
        scheme: 'api-key',
        header: 'api-key',
      };
    case 'no|azure-openai|v1':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({
          AZURE_OPENAI_ENDPOINT: emulator.urls.azureOpenAIv1,
          AZURE_OPENAI_API_KEY: emulator.apiKeys.azureOpenAI,
        }),
        kind: 'azure-openai-v1',
        path: '/openai/v1/chat/completions',
        scheme: 'api-key',
        header: 'api-key',
      };
    case 'yes|anthropic|-':
      return {
        model: 'anthropic/claude-sonnet',
        env: () => ({ ANTHROPIC_END_POINT: emulator.urls.anthropicFoundry }),
        tokenAudience: FOUNDRY,
        kind: 'anthropic-foundry',
        path: '/anthropic/v1/messages',
        scheme: 'bearer',
        header: 'authorization',
      };
    case 'no|anthropic|-':
      return {
        model: 'anthropic/claude-sonnet',
        env: () => ({
          ANTHROPIC_END_POINT: emulator.urls.anthropic,
          ANTHROPIC_API_KEY: emulator.apiKeys.anthropic,
        }),
        kind: 'anthropic',
        path: '/v1/messages',
        scheme: 'api-key',
        header: 'x-api-key',
      };
    case '-|ollama-local|-':
      return {
        model: 'ollama-local/llama3.2',
        env: () => ({ LOCAL_MODEL_PORT: new URL(emulator.urls.ollama).port }),
        kind: 'ollama',
        path: '/api/chat',
        scheme: 'none',
      };
    case 'no|openai|-':
      return {
        model: 'openai/gpt-4.1',
        env: () => ({
          OPENAI_ENDPOINT: emulator.urls.openai,
          OPENAI_API_KEY: emulator.apiKeys.openai,
        }),
        kind: 'openai',
        path: '/v1/chat/completions',
        scheme: 'bearer',
        header: 'authorization',
      };
    default:
      throw new Error(`No end-to-end case for the selection-table row ${key}`);
  }
}

describe('createChatModel: one end-to-end request per selection-table row', () => {
  it.each(
    selectionTable.map(
      (row) => [`${row.tokenProvider} | ${row.provider} | ${row.api}`, row] as const,
    ),
  )('%s', async (_label, row) => {
    const testCase = rowCase(row);
    const tokens = testCase.tokenAudience ? emulatorTokens(testCase.tokenAudience) : undefined;
    const model = await createChatModel(testCase.model, {
      env: testCase.env(),
      ...(tokens ? { tokenProvider: tokens } : {}),
    });
    expect(model.connection?.client).toBe(row.client);

    const reply = await model.complete(hello);

    expect(reply).toEqual({
      text: 'pong',
      usage: { inputTokens: 7, outputTokens: 3 },
      finishReason: expect.stringMatching(/^(stop|completed|end_turn)$/),
      retries: 0,
    });
    const [request, ...others] = emulator.requests.all();
    expect(others).toEqual([]);
    expect(request).toMatchObject({
      kind: testCase.kind,
      method: 'POST',
      path: testCase.path,
      status: 200,
    });
    if (testCase.query) expect(request?.query).toEqual(testCase.query);
    expect(request?.auth).toMatchObject({ scheme: testCase.scheme, accepted: true });
    if (testCase.header) expect(request?.auth.header).toBe(testCase.header);
    if (testCase.scheme === 'bearer' && tokens) {
      expect(request?.auth.jsonWebToken).toBe(true);
      expect(tokens.calls).toBe(1);
    }
    if (testCase.scheme !== 'bearer') expect(request?.headers.authorization).toBeUndefined();
    if (testCase.scheme !== 'api-key') {
      expect(request?.headers['api-key']).toBeUndefined();
      expect(request?.headers['x-api-key']).toBeUndefined();
    }
  });
});

describe('createChatModel: wire APIs and API shapes', () => {
  it.each([
    ['dated', 'completions', 'azure-openai', '/openai/deployments/gpt-4o/chat/completions', true],
    ['dated', 'responses', 'azure-openai', '/openai/responses', true],
    ['v1', 'completions', 'azure-openai-v1', '/openai/v1/chat/completions', false],
    ['v1', 'responses', 'azure-openai-v1', '/openai/v1/responses', false],
  ] as const)('%s API, %s wire API', async (shape, wireApi, kind, path, versioned) => {
    const audience = shape === 'v1' ? FOUNDRY : COGNITIVE;
    const model = await createChatModel('azure-openai/gpt-4o', {
      env:
        shape === 'v1'
          ? { OPEN_AI_END_POINT: emulator.urls.azureOpenAIv1 }
          : {
              OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
              OPEN_AI_API_VERSION: emulator.apiVersion,
            },
      tokenProvider: emulatorTokens(audience),
      wireApi,
    });
    expect(model.connection?.wireApi).toBe(wireApi);
    const reply = await model.complete({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'ping' },
      ],
    });
    expect(reply).toEqual({
      text: 'pong',
      usage: { inputTokens: 7, outputTokens: 3 },
      finishReason: expect.stringMatching(/^(stop|completed|end_turn)$/),
      retries: 0,
    });
    const request = emulator.requests.last(kind);
    expect(request).toMatchObject({ path, status: 200, model: 'gpt-4o' });
    expect(request?.query['api-version']).toBe(versioned ? emulator.apiVersion : undefined);
    expect(request?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'ping' },
    ]);
  });

  it('OPEN_AI_WIRE_API=responses selects the responses API for openai too', async () => {
    const model = await createChatModel('openai/gpt-4.1', {
      env: {
        OPENAI_ENDPOINT: emulator.urls.openai,
        OPENAI_API_KEY: emulator.apiKeys.openai,
        OPEN_AI_WIRE_API: 'responses',
      },
    });
    expect((await model.complete(hello)).text).toBe('pong');
    expect(emulator.requests.last('openai')).toMatchObject({ path: '/v1/responses', status: 200 });
  });
});

describe('createChatModel: request options', () => {
  it.each([
    ['azure-openai completions', 'completions', { response_format: { type: 'json_object' } }],
    ['azure-openai responses', 'responses', { text: { format: { type: 'json_object' } } }],
  ] as const)('JSON mode on %s', async (_label, wireApi, expected) => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.keyEnv, OPEN_AI_END_POINT: emulator.urls.azureOpenAIv1 },
      wireApi,
    });
    await model.complete({ ...hello, json: true, temperature: 0, maxOutputTokens: 50 });
    const body = emulator.requests.last('azure-openai-v1')?.body as Record<string, unknown>;
    expect(body).toMatchObject({ ...expected, temperature: 0 });
    expect(body[wireApi === 'responses' ? 'max_output_tokens' : 'max_completion_tokens']).toBe(50);
  });

  it('JSON mode on Ollama is format: "json"; anthropic sends system separately and max_tokens', async () => {
    const ollama = await createChatModel('ollama-local/llama3.2', { env: emulator.env });
    await ollama.complete({ ...hello, json: true });
    expect(emulator.requests.last('ollama')?.body).toMatchObject({ format: 'json', stream: false });

    const anthropic = await createChatModel('anthropic/claude', {
      env: {
        ANTHROPIC_END_POINT: emulator.urls.anthropic,
        ANTHROPIC_API_KEY: emulator.apiKeys.anthropic,
      },
    });
    await anthropic.complete({
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'ping' },
      ],
      json: true,
    });
    const body = emulator.requests.last('anthropic')?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      system: 'rules',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'ping' }],
    });
  });

  it('a long-lived signal does not collect abort listeners across calls', async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
    });
    const controller = new AbortController();
    for (let call = 0; call < 15; call += 1) {
      await model.complete({ ...hello, signal: controller.signal });
    }
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
  });

  it('an AbortSignal cancels the request and rejects with its reason', async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
    });
    emulator.inject({ delayMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('stop now');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await expect(model.complete({ ...hello, signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(model.complete({ ...hello, signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
  });

  it('the SDK retries 5xx itself (maxRetries); maxRetries: 0 surfaces ModelRequestError', async () => {
    const env = { ...emulator.env, ...emulator.keyEnv };
    const retrying = await createChatModel('azure-openai/gpt-4o', { env });
    emulator.inject({ status: 500, retryAfterMs: 1 });
    expect((await retrying.complete(hello)).text).toBe('pong');
    expect(emulator.requests.ofKind('azure-openai').map((request) => request.status)).toEqual([
      500, 200,
    ]);

    emulator.requests.clear();
    const once = await createChatModel('azure-openai/gpt-4o', { env, maxRetries: 0 });
    emulator.inject({ status: 503 });
    const error = await once.complete(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelRequestError);
    expect(error).toMatchObject({ status: 503, provider: 'azure-openai', model: 'gpt-4o' });
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(1);
  });

  it('a 401 with a key is not retried', async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, OPEN_AI_KEY: 'wrong-key-0123456789' },
    });
    const error = await model.complete(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelAuthenticationError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain('wrong-key-0123456789');
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(1);
  });

  it('a token provider that fails surfaces its AuthenticationError', async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: emulator.env,
      tokenProvider: async () => {
        throw new Error('no credential here');
      },
    });
    const error = await model.complete(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('no credential here');
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(0);
  });
});

describe('createChatModel: precedence and isolation', () => {
  it('a token provider beats keys in the env, with AZURE_OPENAI_API_KEY also in process.env', async () => {
    vi.stubEnv('AZURE_OPENAI_API_KEY', 'process-env-key-123456');
    vi.stubEnv('OPENAI_API_VERSION', '1999-01-01');
    const tokens = emulatorTokens(COGNITIVE);
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
      tokenProvider: tokens,
    });
    expect(model.connection?.auth).toBe('token');
    await model.complete(hello);
    const request = emulator.requests.last('azure-openai');
    expect(request?.auth).toMatchObject({ scheme: 'bearer', accepted: true, jsonWebToken: true });
    expect(request?.headers['api-key']).toBeUndefined();
    expect(request?.query['api-version']).toBe(emulator.apiVersion);
    expect(tokens.calls).toBe(1);
  });

  it('AZURE_AUTH_METHOD=azure_ad in the env beats OPEN_AI_KEY (token from the env opt-in)', async () => {
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    vi.stubEnv('AZURE_CLIENT_ID', undefined);
    vi.stubEnv('AZURE_TENANT_ID', undefined);
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv, AZURE_AUTH_METHOD: 'managed_identity' },
    });
    await model.complete(hello);
    expect(emulator.requests.last('azure-openai')?.auth).toMatchObject({
      scheme: 'bearer',
      accepted: true,
    });
  });

  it('SDK variables in process.env do not override the injected env', async () => {
    const junk = 'http://127.0.0.1:9/junk';
    for (const [name, value] of Object.entries({
      OPENAI_BASE_URL: junk,
      OPENAI_API_KEY: 'process-openai-key-000',
      OPENAI_ORG_ID: 'org-junk',
      OPENAI_PROJECT_ID: 'proj-junk',
      OPENAI_ADMIN_KEY: 'process-admin-key-000',
      OPENAI_API_VERSION: '1999-01-01',
      AZURE_OPENAI_ENDPOINT: junk,
      AZURE_OPENAI_API_KEY: 'process-azure-key-000',
      ANTHROPIC_BASE_URL: junk,
      ANTHROPIC_API_KEY: 'process-anthropic-key-000',
      ANTHROPIC_AUTH_TOKEN: 'process-anthropic-token-000',
      ANTHROPIC_FOUNDRY_API_KEY: 'process-foundry-key-000',
      ANTHROPIC_FOUNDRY_RESOURCE: 'junk-resource',
      ANTHROPIC_FOUNDRY_BASE_URL: junk,
      OPEN_AI_KEY: 'process-seed-key-000',
      OPEN_AI_END_POINT: junk,
    })) {
      vi.stubEnv(name, value);
    }
    for (const row of selectionTable) {
      emulator.requests.clear();
      const testCase = rowCase(row);
      const model = await createChatModel(testCase.model, {
        env: testCase.env(),
        ...(testCase.tokenAudience
          ? { tokenProvider: emulatorTokens(testCase.tokenAudience) }
          : {}),
      });
      await model.complete(hello);
      const [request, ...others] = emulator.requests.all();
      expect(others).toEqual([]);
      expect(request).toMatchObject({ path: testCase.path, status: 200 });
      expect(request?.auth.accepted).toBe(true);
      expect(request?.headers['openai-organization']).toBeUndefined();
      expect(request?.headers['openai-project']).toBeUndefined();
      if (testCase.query) expect(request?.query).toEqual(testCase.query);
    }
  });

  it('the env is read at creation: later changes do not affect a built model', async () => {
    const env: Record<string, string> = { ...emulator.env, ...emulator.keyEnv };
    const model = await createChatModel('azure-openai/gpt-4o', { env });
    env.OPEN_AI_END_POINT = 'http://127.0.0.1:9';
    env.OPEN_AI_KEY = 'changed-key-000000';
    expect((await model.complete(hello)).text).toBe('pong');
  });
});

describe('createChatModel: errors at creation', () => {
  it('rejects a bearer token to http://example.invalid before any request', async () => {
    const tokens = emulatorTokens(COGNITIVE);
    await expect(
      createChatModel('azure-openai/gpt-4o', {
        env: { OPEN_AI_END_POINT: 'http://example.invalid', OPEN_AI_API_VERSION: '2024-10-21' },
        tokenProvider: tokens,
      }),
    ).rejects.toThrow(/Refusing to send a bearer token to http:\/\/example\.invalid/);
    expect(tokens.calls).toBe(0);
  });

  it('rejects a token provider that is not a function', async () => {
    await expect(
      createChatModel('azure-openai/gpt-4o', {
        env: emulator.env,
        tokenProvider: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' as never,
      }),
    ).rejects.toThrow(ConfigurationError);
  });

  it('an explicit token provider is ignored by openai and ollama-local (their rows take none)', async () => {
    const tokens = emulatorTokens(COGNITIVE);
    const model = await createChatModel('openai/gpt-4.1', {
      env: { OPENAI_ENDPOINT: emulator.urls.openai, OPENAI_API_KEY: emulator.apiKeys.openai },
      tokenProvider: tokens,
    });
    expect(model.connection?.auth).toBe('key');
    await model.complete(hello);
    expect(tokens.calls).toBe(0);
    expect(canInvalidate(tokens)).toBe(false);
  });
});

describe('ChatModel.connection', () => {
  it('describes the connection without secrets', async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
    });
    expect(model.connection).toEqual({
      endpoint: emulator.urls.azureOpenAI,
      auth: 'key',
      keyFrom: 'OPEN_AI_KEY',
      wireApi: 'completions',
      apiVersion: emulator.apiVersion,
      client: selectionTable[2]?.client,
    });
    expect(JSON.stringify(model)).not.toContain(emulator.apiKeys.azureOpenAI);
  });
});

describe('README example', () => {
  it('runs offline against the emulator', async () => {
    const own = await startEmulator({ script: ['4'] });
    try {
      const model = await createChatModel('azure-openai/gpt-4o', {
        env: { ...own.env, ...own.keyEnv },
      });
      const reply = await model.complete({ messages: [{ role: 'user', content: '2 + 2?' }] });
      expect(reply.text).toBe('4');
    } finally {
      await own.close();
    }
  });
});
