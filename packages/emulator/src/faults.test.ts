import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearAmbientEnvironment } from '../test/clear-ambient-environment.js';
import { useEmulator } from './testing/use-emulator.js';

const emulator = useEmulator();
beforeEach(() => {
  clearAmbientEnvironment();
  emulator.requests.clear();
  emulator.clearFaults();
  emulator.setScript(undefined);
});

function azure(maxRetries: number, timeout?: number): AzureOpenAI {
  return new AzureOpenAI({
    azureADTokenProvider: async () =>
      emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' }).token,
    endpoint: emulator.urls.azureOpenAI,
    apiVersion: emulator.apiVersion,
    deployment: 'gpt-4o-mini',
    maxRetries,
    ...(timeout === undefined ? {} : { timeout }),
  });
}

const ask = (client: OpenAI) =>
  client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
  });

describe('fault injection', () => {
  it('429 with retry-after: the SDK waits as told, retries and succeeds', async () => {
    emulator.setScript(['after the rate limit']);
    const injected = emulator.inject({ status: 429, retryAfterMs: 50 }, { times: 2 });
    const started = Date.now();
    const completion = await ask(azure(2));
    expect(completion.choices[0]?.message.content).toBe('after the rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(injected.remaining).toBe(0);
    expect(emulator.requests.ofKind('azure-openai').map((entry) => entry.status)).toEqual([
      429, 429, 200,
    ]);
  });

  it('429 answers the real shapes and headers (Azure adds retry-after-ms)', async () => {
    emulator.inject({ status: 429, retryAfterSeconds: 7 });
    const error = await ask(azure(0)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 429,
      error: { code: '429', message: 'Rate limit is exceeded. Try again in 7 seconds.' },
    });
    const headers = (error as InstanceType<typeof OpenAI.APIError>).headers;
    expect(headers?.get('retry-after')).toBe('7');
    expect(headers?.get('retry-after-ms')).toBe('7000');

    emulator.inject({ status: 429, retryAfterSeconds: 3 }, { kinds: ['anthropic'] });
    const anthropic = new Anthropic({
      baseURL: emulator.urls.anthropic,
      apiKey: emulator.apiKeys.anthropic,
      maxRetries: 0,
    });
    const anthropicError = await anthropic.messages
      .create({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(anthropicError).toBeInstanceOf(Anthropic.RateLimitError);
    expect(anthropicError).toMatchObject({ error: { error: { type: 'rate_limit_error' } } });
  });

  it('500: fails without retries and succeeds with one', async () => {
    emulator.inject({ status: 500 });
    const error = await ask(azure(0)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    emulator.inject({ status: 500 });
    await expect(ask(azure(1))).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('reset: the client sees a connection error, and a retry succeeds', async () => {
    emulator.inject({ reset: true });
    const error = await ask(azure(0)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    emulator.inject({ reset: true });
    await expect(ask(azure(1))).resolves.toMatchObject({ object: 'chat.completion' });
    expect(emulator.requests.ofKind('azure-openai').map((entry) => entry.status)).toEqual([
      0, 0, 200,
    ]);
    expect(emulator.requests.at(0)?.fault).toEqual({ reset: true });
  });

  it('delay: answers late, or lets the client time out', async () => {
    emulator.inject({ delayMs: 150 });
    const started = Date.now();
    await ask(azure(0));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    emulator.inject({ delayMs: 500 });
    const error = await ask(azure(0, 100)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('401 once, as if the token had been revoked; the next request is fine', async () => {
    emulator.inject({ status: 401 });
    const client = azure(0);
    const error = await ask(client).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ error: { code: '401' } });
    await expect(ask(client)).resolves.toBeDefined();
  });

  it('applies only to the kinds named, and to identity only when named', async () => {
    emulator.inject({ status: 503 }, { kinds: ['openai'] });
    await ask(azure(0));
    emulator.inject({ status: 500 }, { kinds: ['identity'] });
    const identity = await fetch(
      `${emulator.urls.identity}?resource=https://ai.azure.com&api-version=2019-08-01`,
      { headers: { 'X-IDENTITY-HEADER': emulator.identityHeader } },
    );
    expect(identity.status).toBe(500);
    expect(await identity.json()).toMatchObject({ statusCode: 500 });
    const openai = new OpenAI({
      baseURL: emulator.urls.openai,
      apiKey: emulator.apiKeys.openai,
      maxRetries: 0,
    });
    await expect(ask(openai)).rejects.toMatchObject({ status: 503 });
  });

  it('scripted faults take their place in the script', async () => {
    emulator.setScript(['first', { fault: { status: 429, retryAfterMs: 10 } }, 'second']);
    const client = azure(1);
    expect((await ask(client)).choices[0]?.message.content).toBe('first');
    expect((await ask(client)).choices[0]?.message.content).toBe('second');
    expect(emulator.requests.ofKind('azure-openai').map((entry) => entry.status)).toEqual([
      200, 429, 200,
    ]);
  });
});

describe('revocation', () => {
  it('rejects every token issued so far; new ones work', async () => {
    const old = emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' });
    const withOld = new AzureOpenAI({
      azureADTokenProvider: async () => old.token,
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
      maxRetries: 0,
    });
    await ask(withOld);
    expect(emulator.revokeIssuedTokens()).toBeGreaterThanOrEqual(1);
    await expect(ask(withOld)).rejects.toMatchObject({ status: 401 });
    expect(emulator.requests.last()?.auth).toMatchObject({
      tokenId: old.tokenId,
      reason: 'token revoked',
      accepted: false,
    });
    await expect(ask(azure(0))).resolves.toBeDefined();
  });
});

describe('model scripts', () => {
  it('answers a non-retryable 400 once a list script is exhausted', async () => {
    emulator.setScript(['only one']);
    const client = azure(3);
    await ask(client);
    const error = await ask(client).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 400,
      error: { code: 'emulator_script_exhausted', message: expect.stringContaining('exhausted') },
    });
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(2);
  });

  it('calls a script function with the flattened conversation, malformed replies included', async () => {
    const seen: unknown[] = [];
    emulator.setScript((request) => {
      seen.push({ kind: request.kind, model: request.model, messages: request.messages });
      return '{"task_done": tru';
    });
    const openai = new OpenAI({ baseURL: emulator.urls.openai, apiKey: emulator.apiKeys.openai });
    const response = await openai.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'JSON only',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'go' }] }],
    });
    expect(response.output_text).toBe('{"task_done": tru');
    expect(seen).toEqual([
      {
        kind: 'openai',
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'JSON only' },
          { role: 'user', content: 'go' },
        ],
      },
    ]);
  });

  it('answers 500 without retry when the script function throws', async () => {
    emulator.setScript(() => {
      throw new Error('boom');
    });
    await expect(ask(azure(2))).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('boom'),
    });
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(1);
  });
});
