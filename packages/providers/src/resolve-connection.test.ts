// resolveConnection: the serialisable part for each provider shape, and never a secret in it.
// Nothing here connects anywhere: resolving builds no client and fetches no token.
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { connect } from './connect.js';
import { resolveConnection } from './resolve-connection.js';

const KEY = 'resolve-test-key-SECRET-4242';
const TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJyZXNvbHZlIn0.c2lnbmF0dXJl';
const tokenProvider = async () => TOKEN;
const dated = {
  OPEN_AI_END_POINT: 'https://res.openai.azure.com',
  OPEN_AI_API_VERSION: '2024-10-21',
};
const v1 = { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/openai/v1' };
const foundry = { ANTHROPIC_END_POINT: 'https://res.services.ai.azure.com/anthropic' };

const cases: [
  label: string,
  model: string,
  options: Parameters<typeof resolveConnection>[1],
  expected: object,
][] = [
  [
    'dated Azure API, key',
    'azure-openai/gpt-4o',
    { env: { ...dated, OPEN_AI_KEY: KEY } },
    {
      provider: 'azure-openai',
      model: 'gpt-4o',
      endpoint: 'https://res.openai.azure.com',
      client: '`AzureOpenAI({ apiKey, endpoint, apiVersion, deployment })`, key from `OPEN_AI_KEY`',
      auth: 'key',
      api: 'deployments',
      apiVersion: '2024-10-21',
      wireApi: 'completions',
      keyFrom: 'OPEN_AI_KEY',
    },
  ],
  [
    'dated Azure API, token from AZURE_AUTH_METHOD (a key beside it is not used)',
    'azure-openai/gpt-4o',
    { env: { ...dated, OPEN_AI_KEY: KEY, AZURE_AUTH_METHOD: 'managed_identity' } },
    {
      provider: 'azure-openai',
      model: 'gpt-4o',
      endpoint: 'https://res.openai.azure.com',
      client: '`AzureOpenAI({ azureADTokenProvider, endpoint, apiVersion, deployment })`',
      auth: 'token',
      api: 'deployments',
      apiVersion: '2024-10-21',
      wireApi: 'completions',
      scope: COGNITIVE_SERVICES_SCOPE,
    },
  ],
  [
    'v1 Azure API, token: the Foundry scope, no api-version',
    'azure-openai/gpt-4o',
    { env: { ...v1, AZURE_AUTH_METHOD: 'azure_ad', OPEN_AI_WIRE_API: 'responses' } },
    {
      provider: 'azure-openai',
      model: 'gpt-4o',
      endpoint: 'https://res.openai.azure.com/openai/v1',
      client: '`OpenAI({ baseURL, apiKey: tokenProvider })`',
      auth: 'token',
      api: 'v1',
      wireApi: 'responses',
      scope: AI_FOUNDRY_SCOPE,
    },
  ],
  [
    'v1 Azure API, your token provider: no scope is chosen here',
    'azure-openai/gpt-4o',
    { env: v1, tokenProvider },
    {
      provider: 'azure-openai',
      model: 'gpt-4o',
      endpoint: 'https://res.openai.azure.com/openai/v1',
      client: '`OpenAI({ baseURL, apiKey: tokenProvider })`',
      auth: 'token',
      api: 'v1',
      wireApi: 'completions',
    },
  ],
  [
    'anthropic, token with AZURE_AUTH_SCOPE',
    'anthropic/claude',
    {
      env: {
        ...foundry,
        AZURE_AUTH_METHOD: 'managed_identity',
        AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE,
      },
    },
    {
      provider: 'anthropic',
      model: 'claude',
      endpoint: 'https://res.services.ai.azure.com/anthropic',
      client: '`AnthropicFoundry({ azureADTokenProvider, baseURL })`',
      auth: 'token',
      scope: AI_FOUNDRY_SCOPE,
    },
  ],
  [
    'anthropic, key',
    'anthropic/claude',
    { env: { ANTHROPIC_API_KEY: KEY } },
    {
      provider: 'anthropic',
      model: 'claude',
      endpoint: 'https://api.anthropic.com',
      client: '`Anthropic({ apiKey, baseURL? })`, key from `ANTHROPIC_API_KEY`',
      auth: 'key',
      keyFrom: 'ANTHROPIC_API_KEY',
    },
  ],
  [
    'anthropic, azure_ad and a key but no scope: the key (the seed rule), with a note',
    'anthropic/claude',
    { env: { ...foundry, ANTHROPIC_API_KEY: KEY, AZURE_AUTH_METHOD: 'azure_ad' } },
    {
      provider: 'anthropic',
      model: 'claude',
      endpoint: 'https://res.services.ai.azure.com/anthropic',
      client: '`Anthropic({ apiKey, baseURL? })`, key from `ANTHROPIC_API_KEY`',
      auth: 'key',
      keyFrom: 'ANTHROPIC_API_KEY',
      note: 'AZURE_AUTH_METHOD=azure_ad gives tokens to azure-openai only (the anthropic scope cannot be inferred), so anthropic uses the key from ANTHROPIC_API_KEY; set AZURE_AUTH_SCOPE to use a token instead.',
    },
  ],
  [
    'openai, key (a token method is ignored)',
    'openai/gpt-4.1',
    { env: { OPENAI_API_KEY: KEY, AZURE_AUTH_METHOD: 'azure_ad' } },
    {
      provider: 'openai',
      model: 'gpt-4.1',
      endpoint: 'https://api.openai.com/v1',
      client: '`OpenAI({ apiKey, baseURL? })`, key from `OPENAI_API_KEY`',
      auth: 'key',
      wireApi: 'completions',
      keyFrom: 'OPENAI_API_KEY',
    },
  ],
  [
    'ollama-local, no auth',
    'ollama-local/llama3.2',
    { env: { LOCAL_MODEL_PORT: '11500' }, tokenProvider },
    {
      provider: 'ollama-local',
      model: 'llama3.2',
      endpoint: 'http://localhost:11500',
      client: 'local HTTP `http://localhost:<LOCAL_MODEL_PORT>/api/chat`',
      auth: 'none',
    },
  ],
];

describe('resolveConnection', () => {
  it.each(cases)('%s', async (_label, model, options, expected) => {
    const resolved = await resolveConnection(model, options);
    expect(resolved.connection).toEqual(expected);
    const json = JSON.stringify(resolved);
    expect(JSON.parse(json)).toEqual(expected);
    expect(json).not.toContain(KEY);
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain('eyJ');
    const auth = (expected as { auth: string }).auth;
    expect(resolved.apiKey()).toBe(auth === 'key' ? KEY : undefined);
    expect(resolved.tokenProvider !== undefined).toBe(auth === 'token');
  });

  it('a chain in AZURE_AUTH_METHOD changes neither the client nor the scope of any row', async () => {
    const rows: [string, Record<string, string>][] = [
      ['azure-openai/gpt-4o', dated],
      ['azure-openai/gpt-4o', v1],
      ['anthropic/claude', { ...foundry, AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE }],
      ['anthropic/claude', { ...foundry, ANTHROPIC_API_KEY: KEY }],
      ['openai/gpt-4.1', { OPENAI_API_KEY: KEY }],
    ];
    for (const [model, env] of rows) {
      const single = await resolveConnection(model, {
        env: { ...env, AZURE_AUTH_METHOD: 'managed_identity' },
      });
      const chain = await resolveConnection(model, {
        env: { ...env, AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli' },
      });
      const { note: _singleNote, ...singleConnection } = single.connection as { note?: string };
      const { note: _chainNote, ...chainConnection } = chain.connection as { note?: string };
      expect(chainConnection, model).toEqual(singleConnection);
      if (model.startsWith('azure-openai')) {
        expect(chain.connection.auth).toBe('token');
        expect(chain.connection.scope).toBe(
          env === v1 ? AI_FOUNDRY_SCOPE : COGNITIVE_SERVICES_SCOPE,
        );
      }
    }
  });

  it('connect builds the model the connection describes', async () => {
    const resolved = await resolveConnection('openai/gpt-4.1', {
      env: { OPENAI_API_KEY: KEY, OPENAI_ENDPOINT: 'http://127.0.0.1:9/v1' },
    });
    const model = await connect(resolved, { maxRetries: 0 });
    expect(model.provider).toBe('openai');
    expect(model.name).toBe('gpt-4.1');
    expect(model.connection).toMatchObject({ endpoint: 'http://127.0.0.1:9/v1', auth: 'key' });
  });

  it('checks its options like createChatModel', async () => {
    await expect(resolveConnection('openai/x', { maxRetries: 1 } as never)).rejects.toThrow(
      /^resolveConnection options has no option "maxRetries"\. Valid options: env, tokenProvider/,
    );
  });
});
