import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelRequest } from './model-script.js';
import { formatServerSentEvent } from './sse-writer.js';
import { useEmulator } from './testing/use-emulator.js';
import { textDeltas } from './text-deltas.js';

const emulator = useEmulator();
beforeEach(() => {
  emulator.requests.clear();
  emulator.setScript(undefined);
});

const tokenFor = (audience: string) => async () => emulator.issueToken({ audience }).token;
const TEXT = 'The quick brown fox jumps over the lazy dog, then naps in the sun. Done!';
const shellArguments = { command: 'ls -la /workspace', timeout: 30 };

const openai = () =>
  new OpenAI({ baseURL: emulator.urls.openai, apiKey: emulator.apiKeys.openai, maxRetries: 0 });
const foundry = () =>
  new AnthropicFoundry({
    baseURL: emulator.urls.anthropicFoundry,
    azureADTokenProvider: tokenFor('https://ai.azure.com'),
    maxRetries: 0,
  });

describe('chat completions, streamed', () => {
  it('streams the text in pieces that the SDK assembles, with usage when asked', async () => {
    emulator.setScript([{ text: TEXT, usage: { inputTokens: 7, outputTokens: 15 } }]);
    const deltas: string[] = [];
    const stream = openai()
      .chat.completions.stream({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Tell me about the fox.' }],
        stream_options: { include_usage: true },
      })
      .on('content.delta', ({ delta }) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe(TEXT);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 15 });
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(TEXT);
    expect(emulator.requests.last()).toMatchObject({
      kind: 'openai',
      status: 200,
      streamed: true,
      replyText: TEXT,
    });
  });

  it('sends the real chunk sequence on the wire, Azure filter results included', async () => {
    emulator.setScript(['Hello there, friend.']);
    const client = new AzureOpenAI({
      azureADTokenProvider: tokenFor('https://cognitiveservices.azure.com'),
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
    });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({
      choices: [],
      id: '',
      prompt_filter_results: [
        { prompt_index: 0, content_filter_results: { hate: { filtered: false } } },
      ],
    });
    const [, first, ...rest] = chunks;
    expect(first).toMatchObject({
      object: 'chat.completion.chunk',
      model: 'gpt-4o-mini',
      id: expect.stringMatching(/^chatcmpl-/),
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          finish_reason: null,
          content_filter_results: {},
        },
      ],
    });
    const last = rest.at(-1);
    expect(last?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const content = rest.slice(0, -1).map((chunk) => chunk.choices[0]?.delta.content);
    expect(content).toEqual(['Hello ', 'there, ', 'friend.']);
    expect(new Set(rest.map((chunk) => chunk.id))).toEqual(new Set([first?.id]));
    expect(emulator.requests.last()).toMatchObject({
      kind: 'azure-openai',
      streamed: true,
      auth: { scheme: 'bearer', accepted: true },
    });
  });

  it('ends the wire with data: [DONE], with no usage chunk unless asked', async () => {
    emulator.setScript(['short']);
    const response = await fetch(`${emulator.urls.openai}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${emulator.apiKeys.openai}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'm',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const events = (await response.text()).split('\n\n').filter((event) => event !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'short' },
      {},
    ]);
  });

  it('streams tool calls that the SDK parses into its tool-call objects', async () => {
    emulator.setScript([
      {
        text: 'Let me look.',
        toolCalls: [
          { name: 'shell', arguments: shellArguments, id: 'call_first' },
          { name: 'read_file', arguments: '{"path": "README.md"}' },
        ],
      },
    ]);
    const done: string[] = [];
    const stream = openai()
      .chat.completions.stream({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'look around' }],
        tools: [
          { type: 'function', function: { name: 'shell', parameters: { type: 'object' } } },
          { type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } },
        ],
      })
      .on('tool_calls.function.arguments.done', ({ name, arguments: text }) =>
        done.push(`${name} ${text}`),
      );
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me look.');
    const calls = (choice.message.tool_calls ?? []).map((call) =>
      call.type === 'function' ? { id: call.id, ...call.function } : call,
    );
    expect(calls).toEqual([
      { id: 'call_first', name: 'shell', arguments: JSON.stringify(shellArguments) },
      {
        id: expect.stringMatching(/^call_/),
        name: 'read_file',
        arguments: '{"path": "README.md"}',
      },
    ]);
    expect(done).toEqual([
      `shell ${JSON.stringify(shellArguments)}`,
      'read_file {"path": "README.md"}',
    ]);
  });
});

describe('responses, streamed', () => {
  it('streams every event with its sequence number; the SDK assembles the text', async () => {
    emulator.setScript([TEXT]);
    const client = new OpenAI({
      baseURL: emulator.urls.azureOpenAIv1,
      apiKey: tokenFor('https://ai.azure.com'),
      maxRetries: 0,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    const deltas: string[] = [];
    const stream = client.responses
      .stream({ model: 'gpt-4.1', input: 'Tell me about the fox.', instructions: 'Be brief.' })
      .on('event', (event) => events.push(event))
      .on('response.output_text.delta', ({ delta }) => deltas.push(delta));
    const response = await stream.finalResponse();
    expect(response.output_text).toBe(TEXT);
    expect(response.status).toBe('completed');
    expect(deltas.join('')).toBe(TEXT);
    expect(deltas).toEqual(textDeltas(TEXT));
    expect(deltas.length).toBeGreaterThan(5);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type !== 'response.output_text.delta')).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[0]).toMatchObject({
      type: 'response.created',
      response: { id: response.id, status: 'in_progress', output: [], instructions: 'Be brief.' },
    });
    expect(emulator.requests.last()).toMatchObject({
      kind: 'azure-openai-v1',
      path: '/openai/v1/responses',
      streamed: true,
      auth: { scheme: 'bearer', audience: 'https://ai.azure.com', accepted: true },
    });
  });

  it('names each event on an event: line', async () => {
    emulator.setScript(['ok']);
    const response = await fetch(`${emulator.urls.openai}/responses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${emulator.apiKeys.openai}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'm', stream: true, input: 'x' }),
    });
    const events = (await response.text()).split('\n\n').filter((event) => event !== '');
    for (const event of events) {
      const [name, data] = event.split('\n');
      expect(name).toMatch(/^event: response\./);
      expect(JSON.parse(data!.slice('data: '.length)).type).toBe(name!.slice('event: '.length));
    }
  });

  it('streams function calls, and a streamed follow-up shows the output to the script', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript((request) => {
      seen.push(request);
      const result = request.messages.find((message) => message.role === 'tool');
      if (result) return `${result.toolName} printed ${result.content}`;
      return { toolCalls: [{ name: request.tools[0] ?? 'missing', arguments: shellArguments }] };
    });
    const client = openai();
    const tools = [
      { type: 'function' as const, name: 'shell', parameters: { type: 'object' }, strict: false },
    ];
    const argumentDeltas: string[] = [];
    const first = await client.responses
      .stream({ model: 'gpt-4.1', input: 'list the files', tools })
      .on('response.function_call_arguments.delta', ({ delta }) => argumentDeltas.push(delta))
      .finalResponse();
    expect(first.output).toHaveLength(1);
    const call = first.output[0];
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    expect(call).toMatchObject({ name: 'shell', status: 'completed' });
    expect(JSON.parse(call.arguments)).toEqual(shellArguments);
    expect(argumentDeltas.length).toBeGreaterThan(1);
    expect(argumentDeltas.join('')).toBe(call.arguments);

    const second = await client.responses
      .stream({
        model: 'gpt-4.1',
        input: [
          { role: 'user', content: 'list the files' },
          {
            type: 'function_call',
            call_id: call.call_id,
            name: call.name,
            arguments: call.arguments,
          },
          { type: 'function_call_output', call_id: call.call_id, output: 'a.txt b.txt' },
        ],
        tools,
      })
      .finalResponse();
    expect(second.output_text).toBe('shell printed a.txt b.txt');
    expect(seen.map((request) => request.stream)).toEqual([true, true]);
    expect(seen[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      content: 'a.txt b.txt',
      toolCallId: call.call_id,
      toolName: 'shell',
    });
  });

  it('ends a cut-short reply with response.incomplete', async () => {
    emulator.setScript([{ text: 'cut short', finishReason: 'length' }]);
    const types: string[] = [];
    const response = await openai()
      .responses.stream({ model: 'm', input: 'x' })
      .on('event', (event) => types.push(event.type))
      .finalResponse();
    expect(types.at(-1)).toBe('response.incomplete');
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});

describe('Anthropic messages, streamed', () => {
  it('streams text deltas that the SDK assembles (Foundry, token provider)', async () => {
    emulator.setScript([{ text: TEXT, usage: { inputTokens: 9, outputTokens: 16 } }]);
    const deltas: string[] = [];
    const events: string[] = [];
    const stream = foundry()
      .messages.stream({
        model: 'claude-test',
        max_tokens: 200,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Tell me about the fox.' }],
      })
      .on('text', (text) => deltas.push(text))
      .on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: TEXT }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 16 });
    expect(deltas.join('')).toBe(TEXT);
    expect(deltas.length).toBeGreaterThan(5);
    expect(events.filter((type) => type !== 'content_block_delta')).toEqual([
      'message_start',
      'content_block_start',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(emulator.requests.last()).toMatchObject({
      kind: 'anthropic-foundry',
      streamed: true,
      auth: { scheme: 'bearer', audience: 'https://ai.azure.com', accepted: true },
    });
  });

  it('sends named events with a ping, on the wire', async () => {
    emulator.setScript(['hi there']);
    const response = await fetch(`${emulator.urls.anthropic}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': emulator.apiKeys.anthropic,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude',
        max_tokens: 5,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = (await response.text())
      .split('\n\n')
      .filter((event) => event !== '')
      .map((event) => {
        const [name, data] = event.split('\n');
        return { name: name!.slice('event: '.length), data: JSON.parse(data!.slice(6)) };
      });
    expect(events.map((event) => event.name)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((event) => event.data.type === event.name)).toBe(true);
    expect(events[3]?.data).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'hi ' },
    });
    expect(events[6]?.data).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: expect.any(Number) },
    });
  });

  it('streams tool_use blocks whose input the SDK assembles, and shows tool_result back', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript((request) => {
      seen.push(request);
      const result = request.messages.find((message) => message.role === 'tool');
      if (result) return `got ${result.content}`;
      return { text: 'Running it.', toolCalls: [{ name: 'shell', arguments: shellArguments }] };
    });
    const client = foundry();
    const tools: Anthropic.Tool[] = [{ name: 'shell', input_schema: { type: 'object' } }];
    const partial: string[] = [];
    const first = await client.messages
      .stream({
        model: 'claude-test',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'list' }],
        tools,
      })
      .on('inputJson', (piece) => partial.push(piece))
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toMatchObject({ type: 'text', text: 'Running it.' });
    const use = first.content[1];
    if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(use).toMatchObject({ name: 'shell', input: shellArguments });
    expect(use.id).toMatch(/^toolu_/);
    expect(partial.length).toBeGreaterThan(1);
    expect(JSON.parse(partial.join(''))).toEqual(shellArguments);

    const second = await client.messages
      .stream({
        model: 'claude-test',
        max_tokens: 200,
        messages: [
          { role: 'user', content: 'list' },
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: use.id, content: 'a.txt' }],
          },
        ],
        tools,
      })
      .finalMessage();
    expect(second.content).toMatchObject([{ type: 'text', text: 'got a.txt' }]);
    expect(seen[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      content: 'a.txt',
      toolCallId: use.id,
      toolName: 'shell',
    });
  });
});

describe('errors before any event', () => {
  it('answers a fault with its status and JSON error, not a stream', async () => {
    emulator.setScript(['never sent']);
    emulator.inject({ status: 429, retryAfterMs: 10 });
    const error = await openai()
      .chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(emulator.requests.last()).toMatchObject({ status: 429, fault: { status: 429 } });
    expect(emulator.requests.last()?.streamed).toBeUndefined();

    emulator.inject({ status: 500 }, { kinds: ['anthropic-foundry'] });
    const anthropicError = await foundry()
      .messages.stream({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(anthropicError).toBeInstanceOf(Anthropic.InternalServerError);
  });

  it('answers an auth failure with 401, and an exhausted script with 400', async () => {
    const unauthenticated = new OpenAI({
      baseURL: emulator.urls.azureOpenAIv1,
      apiKey: 'not-a-token',
      maxRetries: 0,
    });
    const denied = await unauthenticated.responses
      .stream({ model: 'm', input: 'x' })
      .finalResponse()
      .catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(emulator.requests.last()).toMatchObject({ status: 401, auth: { accepted: false } });

    emulator.setScript([]);
    const exhausted = await openai()
      .responses.stream({ model: 'm', input: 'x' })
      .finalResponse()
      .catch((caught: unknown) => caught);
    expect(exhausted).toBeInstanceOf(OpenAI.BadRequestError);
    expect((exhausted as Error).message).toContain('model script is exhausted');
  });

  it('survives a client that goes away mid-stream', async () => {
    emulator.setScript(['word '.repeat(2_000), 'after']);
    const stream = await openai().chat.completions.create({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    let received = 0;
    for await (const _ of stream) {
      received += 1;
      if (received === 3) break; // the SDK aborts the request
    }
    expect(received).toBe(3);
    expect(emulator.requests.last()).toMatchObject({ status: 200, streamed: true });
    const next = await openai().chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(next.choices[0]?.message.content).toBe('after');
  });
});

describe('pieces and framing', () => {
  it('splits text at words, cuts long words, never inside a code point, and loses nothing', () => {
    expect(textDeltas('')).toEqual([]);
    expect(textDeltas('  two  words ')).toEqual(['  two  ', 'words ']);
    expect(textDeltas('{"command":"ls -la"}')).toEqual(['{"command":"', 'ls ', '-la"}']);
    const emoji = '😀'.repeat(13);
    expect(textDeltas(emoji)).toEqual(['😀'.repeat(12), '😀']);
    const text = 'line one\nline two\tand a verylongwordthatgoesonandon';
    expect(textDeltas(text).join('')).toBe(text);
  });

  it('frames an event with its name and one data line per line of data', () => {
    expect(formatServerSentEvent({ event: 'ping', data: { type: 'ping' } })).toBe(
      'event: ping\ndata: {"type":"ping"}\n\n',
    );
    expect(formatServerSentEvent({ data: 'a\nb' })).toBe('data: a\ndata: b\n\n');
  });
});
