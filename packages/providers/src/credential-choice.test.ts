// Which credential goes where, over real sockets against the emulator: AZURE_AUTH_METHOD with an
// Anthropic key and no scope uses the key; an API key never goes over plain http off loopback
// unless the user says so.
import { ConfigurationError } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatModel } from './create-chat-model.js';

const emulator = useEmulator({ script: () => 'pong' });
afterEach(() => emulator.requests.clear());

const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };

describe('AZURE_AUTH_METHOD=azure_ad with an Anthropic key and no AZURE_AUTH_SCOPE', () => {
  it('uses the key (x-api-key), and model.connection says so and why', async () => {
    const model = await createChatModel('anthropic/claude-sonnet', {
      env: {
        AZURE_AUTH_METHOD: 'azure_ad',
        ANTHROPIC_END_POINT: emulator.urls.anthropic,
        ANTHROPIC_API_KEY: emulator.apiKeys.anthropic,
      },
    });
    expect(model.connection).toMatchObject({
      auth: 'key',
      keyFrom: 'ANTHROPIC_API_KEY',
      note: 'AZURE_AUTH_METHOD=azure_ad gives tokens to azure-openai only (the anthropic scope cannot be inferred), so anthropic uses the key from ANTHROPIC_API_KEY; set AZURE_AUTH_SCOPE to use a token instead.',
    });
    expect((await model.complete(hello)).text).toBe('pong');
    const [request, ...others] = emulator.requests.all();
    expect(others).toEqual([]);
    expect(request).toMatchObject({ kind: 'anthropic', status: 200 });
    expect(request?.auth).toMatchObject({ scheme: 'api-key', header: 'x-api-key', accepted: true });
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('without the key, the scope error stays', async () => {
    await expect(
      createChatModel('anthropic/claude-sonnet', {
        env: { AZURE_AUTH_METHOD: 'azure_ad', ANTHROPIC_END_POINT: emulator.urls.anthropic },
      }),
    ).rejects.toThrow(
      /anthropic cannot be inferred\. Set AZURE_AUTH_SCOPE=https:\/\/ai\.azure\.com\/\.default/,
    );
  });

  it('with AZURE_AUTH_SCOPE set the token path applies: the method is read (here an unknown one fails), the key is not taken', async () => {
    await expect(
      createChatModel('anthropic/claude-sonnet', {
        env: {
          AZURE_AUTH_METHOD: 'bogus_method',
          AZURE_AUTH_SCOPE: 'https://ai.azure.com/.default',
          ANTHROPIC_END_POINT: emulator.urls.anthropicFoundry,
          ANTHROPIC_API_KEY: emulator.apiKeys.anthropic,
        },
      }),
    ).rejects.toThrow(/AZURE_AUTH_METHOD is "bogus_method", which is not a known auth method/);
  });

  it('AZURE_AUTH_METHOD=api_key: the key, and no note', async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv, AZURE_AUTH_METHOD: 'api_key' },
    });
    expect(model.connection).toMatchObject({ auth: 'key', keyFrom: 'OPEN_AI_KEY' });
    expect(model.connection?.note).toBeUndefined();
  });
});

describe('an API key over plain http to a host that is not loopback', () => {
  /** A fetch that delivers requests for llm-proxy.internal to the emulator (a real socket). */
  function viaProxy(): { fetch: typeof globalThis.fetch; calls: string[] } {
    const calls: string[] = [];
    const target = new URL(emulator.urls.base);
    const fetchThroughProxy: typeof globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      calls.push(`${url.protocol}//${url.host}`);
      url.protocol = target.protocol;
      url.host = target.host;
      return globalThis.fetch(url, init);
    };
    return { fetch: fetchThroughProxy, calls };
  }

  it.each([
    [
      'azure-openai (api-key)',
      'azure-openai/gpt-4o',
      () => ({
        OPEN_AI_END_POINT: 'http://llm-proxy.internal:8080',
        OPEN_AI_API_VERSION: emulator.apiVersion,
        OPEN_AI_KEY: emulator.apiKeys.azureOpenAI,
      }),
      'OPEN_AI_KEY',
      'OPEN_AI_END_POINT',
    ],
    [
      'anthropic (x-api-key)',
      'anthropic/claude',
      () => ({
        ANTHROPIC_END_POINT: 'http://llm-proxy.internal:8080',
        ANTHROPIC_API_KEY: emulator.apiKeys.anthropic,
      }),
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_END_POINT',
    ],
    [
      'openai (Authorization: Bearer key)',
      'openai/gpt-4.1',
      () => ({
        OPENAI_ENDPOINT: 'http://llm-proxy.internal:8080/v1',
        OPENAI_API_KEY: emulator.apiKeys.openai,
      }),
      'OPENAI_API_KEY',
      'OPENAI_ENDPOINT',
    ],
  ])(
    '%s: refused at creation, nothing sent; the opt-out sends it',
    async (_label, model, env, keyFrom, endpointFrom) => {
      const proxy = viaProxy();
      const error = await createChatModel(model, { env: env(), fetch: proxy.fetch }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toBe(
        `Refusing to send the API key from ${keyFrom} to http://llm-proxy.internal:8080 (the ${endpointFrom}): keys go only over https, or over plain http to a loopback address. Anyone on the network path could read it. Use the https URL of the endpoint; behind a TLS-terminating proxy on a private network, pass allowPlainHttpKey: true (or set BOTS_ALLOW_PLAIN_HTTP_KEY=true).`,
      );
      expect(JSON.stringify(error) + String(error)).not.toContain(env()[keyFrom as never]);
      expect(proxy.calls).toEqual([]);
      expect(emulator.requests.all()).toEqual([]);

      for (const optOut of [
        { allowPlainHttpKey: true },
        { env: { ...env(), BOTS_ALLOW_PLAIN_HTTP_KEY: 'true' } },
      ]) {
        emulator.requests.clear();
        const allowed = await createChatModel(model, { env: env(), fetch: proxy.fetch, ...optOut });
        expect((await allowed.complete(hello)).text).toBe('pong');
        expect(emulator.requests.all()[0]?.auth).toMatchObject({
          scheme: expect.any(String),
          accepted: true,
        });
      }
      expect(proxy.calls).toEqual([
        'http://llm-proxy.internal:8080',
        'http://llm-proxy.internal:8080',
      ]);
    },
  );

  it('BOTS_ALLOW_PLAIN_HTTP_KEY with a value that is not true or false is an error, never a default', async () => {
    await expect(
      createChatModel('openai/gpt-4.1', {
        env: { ...emulator.env, ...emulator.keyEnv, BOTS_ALLOW_PLAIN_HTTP_KEY: 'sure' },
      }),
    ).rejects.toThrow(
      'BOTS_ALLOW_PLAIN_HTTP_KEY must be true or false, but got "sure". Set it to true to allow it, or unset it.',
    );
  });

  it('a bearer token is refused there even with the opt-out', async () => {
    await expect(
      createChatModel('azure-openai/gpt-4o', {
        env: { OPEN_AI_END_POINT: 'http://llm-proxy.internal:8080/openai/v1' },
        tokenProvider: () => 'token-0123456789',
        allowPlainHttpKey: true,
      }),
    ).rejects.toThrow(/^Refusing to send a bearer token to http:\/\/llm-proxy\.internal:8080/);
  });
});
