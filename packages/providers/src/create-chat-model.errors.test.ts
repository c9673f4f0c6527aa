import { BotsError, ConfigurationError } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { describe, expect, it } from 'vitest';
import { type CreateChatModelOptions, createChatModel } from './create-chat-model.js';

// Recognisable secrets in every place a key or token can be: no error message may contain one.
const SECRETS = {
  OPEN_AI_KEY: 'seed-azure-key-SECRET-1111',
  AZURE_OPENAI_API_KEY: 'sdk-azure-key-SECRET-2222',
  ANTHROPIC_API_KEY: 'anthropic-key-SECRET-3333',
  OPENAI_API_KEY: 'openai-key-SECRET-4444',
};
const TOKEN = 'token-SECRET-5555-not-a-jwt';
const ALL = [...Object.values(SECRETS), TOKEN];
const emulator = useEmulator({ script: () => 'pong' });

const tokenProvider = async () => TOKEN;

const creationFailures: [string, string, CreateChatModelOptions, RegExp][] = [
  [
    'malformed model string',
    `azure-openai/${SECRETS.OPEN_AI_KEY}/x`,
    { env: SECRETS },
    /Invalid model string/,
  ],
  ['missing endpoint', 'azure-openai/gpt-4o', { env: SECRETS }, /No endpoint for azure-openai/],
  [
    'missing api version',
    'azure-openai/gpt-4o',
    { env: { ...SECRETS, OPEN_AI_END_POINT: 'https://res.openai.azure.com' } },
    /Set OPEN_AI_API_VERSION \(or AZURE_OPENAI_API_VERSION\)/,
  ],
  [
    'no credentials (azure-openai)',
    'azure-openai/gpt-4o',
    {
      env: { OPEN_AI_END_POINT: 'https://res.openai.azure.com', OPEN_AI_API_VERSION: '2024-10-21' },
    },
    /Set OPEN_AI_KEY \(or AZURE_OPENAI_API_KEY\), or set AZURE_AUTH_METHOD=azure_ad.*or pass tokenProvider/,
  ],
  [
    'no credentials (anthropic)',
    'anthropic/claude',
    { env: {} },
    /Set ANTHROPIC_API_KEY.*AZURE_AUTH_METHOD=azure_ad.*tokenProvider/,
  ],
  ['no credentials (openai)', 'openai/gpt-4.1', { env: {} }, /Set OPENAI_API_KEY/],
  [
    'token provider not a function',
    'azure-openai/gpt-4o',
    { env: SECRETS, tokenProvider: TOKEN as never },
    /tokenProvider must be a function/,
  ],
  [
    'bearer token to plain http off loopback',
    'azure-openai/gpt-4o',
    {
      env: {
        ...SECRETS,
        OPEN_AI_END_POINT: 'http://example.invalid',
        OPEN_AI_API_VERSION: '2024-10-21',
      },
      tokenProvider,
    },
    /Refusing to send a bearer token/,
  ],
  [
    'anthropic token without endpoint',
    'anthropic/claude',
    { env: SECRETS, tokenProvider },
    /Set ANTHROPIC_END_POINT/,
  ],
  [
    'anthropic with AZURE_AUTH_METHOD, no scope and no key',
    'anthropic/claude',
    {
      env: {
        OPEN_AI_KEY: SECRETS.OPEN_AI_KEY,
        AZURE_AUTH_METHOD: 'azure_ad',
        ANTHROPIC_END_POINT: 'https://r.services.ai.azure.com/anthropic',
      },
    },
    /AZURE_AUTH_SCOPE/,
  ],
  [
    'unknown AZURE_AUTH_METHOD',
    'azure-openai/gpt-4o',
    {
      env: {
        ...SECRETS,
        AZURE_AUTH_METHOD: 'magic',
        OPEN_AI_END_POINT: 'https://r.openai.azure.com',
        OPEN_AI_API_VERSION: '2024-10-21',
      },
    },
    /azure_ad, managed_identity/,
  ],
  [
    'unknown wire API',
    'openai/gpt-4.1',
    { env: { ...SECRETS, OPEN_AI_WIRE_API: SECRETS.OPENAI_API_KEY } },
    /not a wire API/,
  ],
  [
    'bad LOCAL_MODEL_PORT',
    'ollama-local/llama3.2',
    { env: { ...SECRETS, LOCAL_MODEL_PORT: 'eleven' } },
    /LOCAL_MODEL_PORT/,
  ],
  [
    'endpoint that is not a URL',
    'azure-openai/gpt-4o',
    { env: { ...SECRETS, OPEN_AI_END_POINT: SECRETS.OPEN_AI_KEY } },
    /OPEN_AI_END_POINT is not an http\(s\) URL/,
  ],
];

function expectNoSecret(error: unknown): void {
  const texts = [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? '',
    JSON.stringify(error),
    String((error as { cause?: unknown }).cause ?? ''),
  ];
  for (const text of texts) {
    for (const secret of ALL) expect(text).not.toContain(secret);
  }
}

describe('errors at creation time', () => {
  it.each(creationFailures)(
    '%s: a ConfigurationError that says what to set, no secret',
    async (_label, model, options, message) => {
      const error = await createChatModel(model, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
      expectNoSecret(error);
    },
  );
});

describe('errors at call time', () => {
  it.each([
    [
      'azure-openai 401 (wrong key)',
      'azure-openai/gpt-4o',
      () => ({ ...emulator.env, OPEN_AI_KEY: SECRETS.OPEN_AI_KEY }),
    ],
    [
      'anthropic 401 (wrong key)',
      'anthropic/claude',
      () => ({
        ANTHROPIC_END_POINT: emulator.urls.anthropic,
        ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY,
      }),
    ],
    [
      'openai 401 (wrong key)',
      'openai/gpt-4.1',
      () => ({ OPENAI_ENDPOINT: emulator.urls.openai, OPENAI_API_KEY: SECRETS.OPENAI_API_KEY }),
    ],
  ])('%s: redacted, no secret', async (_label, model, env) => {
    const chat = await createChatModel(model, { env: env() });
    const error = await chat
      .complete({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BotsError);
    expect((error as { status?: number }).status).toBe(401);
    expectNoSecret(error);
  });

  it('a rejected bearer token (twice): redacted, no secret', async () => {
    const chat = await createChatModel('azure-openai/gpt-4o', { env: emulator.env, tokenProvider });
    const error = await chat
      .complete({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ModelAuthenticationError', status: 401 });
    expectNoSecret(error);
  });

  it('a port fetch refuses: ModelRequestError naming host:port and the cause, no secret', async () => {
    const chat = await createChatModel('openai/gpt-4.1', {
      env: { OPENAI_ENDPOINT: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: SECRETS.OPENAI_API_KEY },
    });
    const error = await chat
      .complete({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ModelRequestError', status: undefined, code: 'bad port' });
    expect((error as Error).message).toBe(
      'openai/gpt-4.1: could not reach 127.0.0.1:9: fetch refuses to connect to port 9 (bad port: a well-known port of another protocol, such as 6000 or 9). Use the port the service listens on.',
    );
    expectNoSecret(error);
  });

  it('Ollama not running: ModelRequestError', async () => {
    const chat = await createChatModel('ollama-local/llama3.2', { env: { LOCAL_MODEL_PORT: '9' } });
    await expect(
      chat.complete({ messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({
      name: 'ModelRequestError',
      provider: 'ollama-local',
    });
  });
});
