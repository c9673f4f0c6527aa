import { describe, expect, it } from 'vitest';
import { audienceMatches, scopeToAudience } from './audience.js';
import { type AuthPolicy, authenticateRequest } from './authenticate-request.js';
import { FaultQueue } from './fault-queue.js';
import { requestMessages } from './request-messages.js';
import { matchMainRoute, matchOllamaRoute } from './routes.js';
import { ScriptRunner } from './script-runner.js';
import { maskHeaders } from './secret-masking.js';

const request = {
  kind: 'openai',
  wire: 'chat-completions',
  model: 'm',
  messages: [],
  tools: [] as string[],
  stream: false,
  body: {},
} as const;

describe('ScriptRunner', () => {
  it('plays a list in order, then reports exhaustion', async () => {
    const runner = new ScriptRunner([
      'a',
      { text: 'b', usage: { outputTokens: 2 } },
      { fault: { status: 500 } },
    ]);
    expect(await runner.next({ ...request, messages: [] })).toEqual({
      type: 'reply',
      reply: { text: 'a' },
    });
    expect(await runner.next({ ...request, messages: [] })).toMatchObject({ reply: { text: 'b' } });
    expect(await runner.next({ ...request, messages: [] })).toEqual({
      type: 'fault',
      fault: { status: 500 },
    });
    expect(await runner.next({ ...request, messages: [] })).toEqual({
      type: 'exhausted',
      consumed: 3,
    });
    runner.set(['again']);
    expect(await runner.next({ ...request, messages: [] })).toMatchObject({
      reply: { text: 'again' },
    });
  });

  it('refuses a malformed list step at once, and reports one a function returns', async () => {
    expect(() => new ScriptRunner(['ok', 42 as unknown as string])).toThrow(
      new TypeError(
        'script[1]: A model script step must be a string, { text?, toolCalls?, usage?, finishReason? } or { fault }; got 42.',
      ),
    );
    expect(() => new ScriptRunner().set([{ toolCalls: [{ name: '' }] }])).toThrow(/needs a name/);
    const runner = new ScriptRunner(() => 42 as unknown as string);
    expect(await runner.next({ ...request, messages: [] })).toMatchObject({ type: 'failed' });
  });
});

describe('FaultQueue', () => {
  it('applies a fault the given number of times, to model kinds by default', () => {
    const queue = new FaultQueue();
    const handle = queue.inject({ status: 500 }, { times: 2 });
    expect(queue.take('identity')).toBeUndefined();
    expect(queue.take('ollama')).toEqual({ status: 500 });
    expect(handle.remaining).toBe(1);
    expect(queue.take('anthropic')).toEqual({ status: 500 });
    expect(queue.take('anthropic')).toBeUndefined();
    const cancelled = queue.inject({ reset: true });
    cancelled.cancel();
    expect(queue.take('openai')).toBeUndefined();
    expect(() => queue.inject({ status: 500 }, { times: 0 })).toThrow(RangeError);
  });
});

describe('authenticateRequest', () => {
  const policy: AuthPolicy = {
    required: true,
    keyHeaders: ['api-key'],
    keys: [{ name: 'azureOpenAI', value: 'k' }],
    bearerKeys: false,
    audiences: ['https://cognitiveservices.azure.com'],
  };
  const verify = () => ({ valid: true, claims: { aud: 'https://cognitiveservices.azure.com/' } });

  it('prefers the key header and names the key', () => {
    expect(
      authenticateRequest({ 'api-key': 'k', authorization: 'Bearer a.b.c' }, policy, verify),
    ).toEqual({
      summary: {
        scheme: 'api-key',
        header: 'api-key',
        accepted: true,
        fingerprint: expect.any(String),
        keyName: 'azureOpenAI',
      },
    });
  });

  it('accepts an audience with a trailing slash and refuses a non-bearer authorization', () => {
    expect(
      authenticateRequest({ authorization: 'Bearer a.b.c' }, policy, verify).failure,
    ).toBeUndefined();
    expect(authenticateRequest({ authorization: 'Basic xyz' }, policy, verify).failure).toBe(
      'invalid-token',
    );
    expect(authenticateRequest({}, policy, verify).failure).toBe('missing');
  });
});

describe('pure helpers', () => {
  it('turns scopes into audiences', () => {
    expect(scopeToAudience('https://ai.azure.com/.default')).toBe('https://ai.azure.com');
    expect(audienceMatches('https://AI.azure.com/', ['https://ai.azure.com'])).toBe(true);
  });

  it('flattens messages of every wire', () => {
    expect(
      requestMessages('messages', {
        system: [{ type: 'text', text: 'sys' }],
        messages: [
          {
            role: 'user',
            content: [{ type: 'tool_result', content: [{ type: 'text', text: 'out' }] }],
          },
        ],
      }),
    ).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'tool', content: 'out' },
    ]);
    expect(
      requestMessages('responses', { input: [{ type: 'function_call_output', output: 'x' }] }),
    ).toEqual([{ role: 'tool', content: 'x' }]);
  });

  it('routes paths, tolerating double and trailing slashes', () => {
    expect(matchMainRoute('/openai/deployments/my%20model/chat/completions')).toMatchObject({
      kind: 'azure-openai',
      deployment: 'my model',
    });
    expect(matchMainRoute('//anthropic//v1/messages/')).toMatchObject({
      kind: 'anthropic-foundry',
    });
    expect(matchMainRoute('/api/chat')).toBeUndefined();
    expect(matchOllamaRoute('/api/chat')).toMatchObject({ kind: 'ollama', wire: 'ollama-chat' });
  });

  it('masks secret headers', () => {
    expect(maskHeaders({ authorization: 'Bearer abc', 'x-api-key': 'k', accept: 'json' })).toEqual({
      authorization: expect.stringMatching(/^Bearer <redacted sha256:[0-9a-f]{12}>$/),
      'x-api-key': expect.stringMatching(/^<redacted sha256:/),
      accept: 'json',
    });
  });
});
