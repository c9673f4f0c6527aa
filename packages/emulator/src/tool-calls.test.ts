import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelRequest } from './model-script.js';
import { offeredToolNames } from './offered-tools.js';
import { requestMessages } from './request-messages.js';
import { scriptStepProblem } from './script-runner.js';
import { useEmulator } from './testing/use-emulator.js';

const emulator = useEmulator();
beforeEach(() => {
  emulator.requests.clear();
  emulator.setScript(undefined);
});

const tokenFor = (audience: string) => async () => emulator.issueToken({ audience }).token;

const shellTool = {
  type: 'function',
  function: {
    name: 'shell',
    description: 'Runs a shell command.',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string' } },
      required: ['command'],
    },
  },
} as const;

/** A script that calls the client's `shell` tool, then answers with what the tool returned. */
function shellScript(seen: ModelRequest[]) {
  return (request: ModelRequest) => {
    seen.push(request);
    const result = request.messages.findLast((message) => message.role === 'tool');
    if (result !== undefined) return `the tool said: ${result.content}`;
    const shell = request.tools.find((name) => name === 'shell');
    if (shell === undefined) return 'no shell tool offered';
    return {
      text: 'Listing the folder.',
      toolCalls: [{ name: shell, arguments: { command: 'ls' } }],
    };
  };
}

describe('scripted tool calls, chat completions', () => {
  it('sends tool_calls with finish_reason tool_calls, and shows the tool result to the script', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript(shellScript(seen));
    const client = new OpenAI({ baseURL: emulator.urls.openai, apiKey: emulator.apiKeys.openai });
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is here?' }],
      tools: [shellTool],
    });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Listing the folder.');
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(call.function.name).toBe('shell');
    expect(JSON.parse(call.function.arguments)).toEqual({ command: 'ls' });
    expect(seen[0]?.tools).toEqual(['shell']);
    expect(emulator.requests.last()?.replyToolCalls).toEqual([
      { id: call.id, name: 'shell', arguments: '{"command":"ls"}' },
    ]);

    const second = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'What is here?' },
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: 'README.md\nsrc' },
      ],
      tools: [shellTool],
    });
    expect(second.choices[0]?.message.content).toBe('the tool said: README.md\nsrc');
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(seen[1]?.messages).toEqual([
      { role: 'user', content: 'What is here?' },
      {
        role: 'assistant',
        content: 'Listing the folder.',
        toolCalls: [{ id: call.id, name: 'shell', arguments: '{"command":"ls"}' }],
      },
      { role: 'tool', content: 'README.md\nsrc', toolCallId: call.id, toolName: 'shell' },
    ]);
  });

  it('sends content null for calls without text, several calls, and the given ids (Azure)', async () => {
    emulator.setScript([
      {
        toolCalls: [
          { name: 'read', arguments: '{"path": "a.txt"}', id: 'call_mine' },
          { name: 'read', arguments: { path: 'b.txt' } },
        ],
      },
    ]);
    const client = new AzureOpenAI({
      azureADTokenProvider: tokenFor('https://cognitiveservices.azure.com'),
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'read both' }],
    });
    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(
      message.tool_calls?.map((call) =>
        call.type === 'function' ? [call.id, call.function.arguments] : [],
      ),
    ).toEqual([
      ['call_mine', '{"path": "a.txt"}'],
      [expect.stringMatching(/^call_/), '{"path":"b.txt"}'],
    ]);
  });
});

describe('scripted tool calls, responses', () => {
  it('sends function_call output items, and shows function_call_output to the script', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript(shellScript(seen));
    const client = new OpenAI({
      baseURL: emulator.urls.azureOpenAIv1,
      apiKey: tokenFor('https://ai.azure.com'),
    });
    const tools = [
      {
        type: 'function' as const,
        name: 'shell',
        parameters: shellTool.function.parameters,
        strict: false,
      },
      { type: 'web_search' as const },
    ];
    const first = await client.responses.create({
      model: 'gpt-4.1',
      input: 'What is here?',
      tools,
    });
    expect(seen[0]?.tools).toEqual(['shell', 'web_search']);
    expect(first.output_text).toBe('Listing the folder.');
    expect(first.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    const call = first.output[1];
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    expect(call).toMatchObject({ name: 'shell', status: 'completed' });
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^call_/);
    expect(JSON.parse(call.arguments)).toEqual({ command: 'ls' });

    const second = await client.responses.create({
      model: 'gpt-4.1',
      input: [
        { role: 'user', content: 'What is here?' },
        ...first.output.map((item) => ({ ...item })),
        { type: 'function_call_output', call_id: call.call_id, output: 'README.md' },
      ] as OpenAI.Responses.ResponseInputItem[],
      tools,
    });
    expect(second.output_text).toBe('the tool said: README.md');
    expect(seen[1]?.messages).toEqual([
      { role: 'user', content: 'What is here?' },
      {
        role: 'assistant',
        content: 'Listing the folder.',
        toolCalls: [{ id: call.call_id, name: 'shell', arguments: '{"command":"ls"}' }],
      },
      { role: 'tool', content: 'README.md', toolCallId: call.call_id, toolName: 'shell' },
    ]);
  });
});

describe('scripted tool calls, Anthropic messages', () => {
  it('sends tool_use blocks with stop_reason tool_use, and shows tool_result to the script', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript(shellScript(seen));
    const client = new AnthropicFoundry({
      baseURL: emulator.urls.anthropicFoundry,
      azureADTokenProvider: tokenFor('https://ai.azure.com'),
    });
    const tools: Anthropic.Tool[] = [
      {
        name: 'shell',
        input_schema: { type: 'object', properties: { command: { type: 'string' } } },
      },
    ];
    const first = await client.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is here?' }],
      tools,
    });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toEqual({ type: 'text', text: 'Listing the folder.' });
    const use = first.content[1];
    if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(use).toMatchObject({ name: 'shell', input: { command: 'ls' } });
    expect(use.id).toMatch(/^toolu_/);

    const second = await client.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'What is here?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: use.id, content: 'README.md' },
            { type: 'text', text: 'Go on.' },
          ],
        },
      ],
      tools,
    });
    expect(second.content).toEqual([{ type: 'text', text: 'the tool said: README.md' }]);
    expect(second.stop_reason).toBe('end_turn');
    expect(seen[1]?.messages).toEqual([
      { role: 'user', content: 'What is here?' },
      {
        role: 'assistant',
        content: 'Listing the folder.',
        toolCalls: [{ id: use.id, name: 'shell', arguments: '{"command":"ls"}' }],
      },
      { role: 'tool', content: 'README.md', toolCallId: use.id, toolName: 'shell' },
      { role: 'user', content: 'Go on.' },
    ]);
  });

  it('refuses arguments that are not a JSON object on the Anthropic wire, with a 500 saying why', async () => {
    emulator.setScript([{ toolCalls: [{ name: 'shell', arguments: 'not json' }] }]);
    const client = new Anthropic({
      baseURL: emulator.urls.anthropic,
      apiKey: emulator.apiKeys.anthropic,
      maxRetries: 0,
    });
    const error = await client.messages
      .create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as Error).message).toContain('must be a JSON object');
    expect(emulator.requests.last()).toMatchObject({ status: 500 });
  });
});

describe('scripted tool calls, validation', () => {
  it('refuses a list step with a nameless tool call at once', () => {
    expect(() => emulator.setScript([{ toolCalls: [{ arguments: {} }] } as never])).toThrow(
      new TypeError(
        'script[0]: A scripted tool call needs a name (the name of a tool the client offers, see request.tools); toolCalls[0] has none.',
      ),
    );
  });

  it('answers a nameless tool call from a script function with a clear, non-retryable 500', async () => {
    emulator.setScript(() => ({ toolCalls: [{ arguments: {} }] }) as never);
    const client = new OpenAI({ baseURL: emulator.urls.openai, apiKey: emulator.apiKeys.openai });
    const error = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain(
      'A scripted tool call needs a name (the name of a tool the client offers, see request.tools); toolCalls[0] has none.',
    );
    expect(emulator.requests.ofKind('openai')).toHaveLength(1);
  });

  it('checks every part of a scripted reply', () => {
    const problemOf = scriptStepProblem;
    expect(problemOf({ toolCalls: [{ name: 'x' }] })).toBeUndefined();
    expect(problemOf({ text: 'a', toolCalls: [] })).toBeUndefined();
    expect(problemOf({ toolCalls: { name: 'x' } })).toContain('must be an array');
    expect(problemOf({ toolCalls: ['x'] })).toContain('must be an object');
    expect(problemOf({ toolCalls: [{ name: ' ' }] })).toContain('needs a name');
    expect(problemOf({ toolCalls: [{ name: 'x', arguments: 3 }] })).toContain(
      'must be an object or JSON text',
    );
    expect(problemOf({ toolCalls: [{ name: 'x', id: '' }] })).toContain('non-empty string');
    expect(problemOf({ text: 3 })).toContain('needs a text');
    expect(problemOf({ text: 'a', finishReason: 'tool_calls' })).toContain('finishReason must be');
    expect(problemOf({ usage: {} })).toContain('must be a string');
  });
});

describe('tool-using conversations, flattened', () => {
  it('reads tool calls and results of chat completions and Ollama', () => {
    expect(
      requestMessages('chat-completions', {
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
              { id: 'c2', type: 'custom', custom: { name: 'apply_patch', input: '*** patch' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'ok' }] },
          { role: 'tool', tool_call_id: 'unknown', content: 'x' },
        ],
      }),
    ).toEqual([
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'c1', name: 'f', arguments: '{}' },
          { id: 'c2', name: 'apply_patch', arguments: '*** patch' },
        ],
      },
      { role: 'tool', content: 'ok', toolCallId: 'c2', toolName: 'apply_patch' },
      { role: 'tool', content: 'x', toolCallId: 'unknown' },
    ]);
    expect(
      requestMessages('ollama-chat', {
        messages: [
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }],
          },
          { role: 'tool', tool_name: 'f', content: '2' },
        ],
      }),
    ).toEqual([
      { role: 'assistant', content: '', toolCalls: [{ id: '', name: 'f', arguments: '{"a":1}' }] },
      { role: 'tool', content: '2', toolName: 'f' },
    ]);
  });

  it('reads function calls, custom tool calls and their outputs of the responses API', () => {
    expect(
      requestMessages('responses', {
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'function_call', call_id: 'a', name: 'shell', arguments: '{"command":"ls"}' },
          { type: 'custom_tool_call', call_id: 'b', name: 'apply_patch', input: 'patch' },
          {
            type: 'function_call_output',
            call_id: 'a',
            output: [{ type: 'input_text', text: 'out' }],
          },
          { type: 'custom_tool_call_output', call_id: 'b', output: 'applied' },
        ],
      }),
    ).toEqual([
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'shell', arguments: '{"command":"ls"}' },
          { id: 'b', name: 'apply_patch', arguments: 'patch' },
        ],
      },
      { role: 'tool', content: 'out', toolCallId: 'a', toolName: 'shell' },
      { role: 'tool', content: 'applied', toolCallId: 'b', toolName: 'apply_patch' },
    ]);
  });

  it('names the offered tools of every wire', () => {
    expect(
      offeredToolNames('chat-completions', {
        tools: [shellTool, { type: 'custom', custom: { name: 'apply_patch' } }, 'junk'],
      }),
    ).toEqual(['shell', 'apply_patch']);
    expect(
      offeredToolNames('responses', {
        tools: [
          { type: 'function', name: 'shell' },
          { type: 'custom', name: 'apply_patch' },
          { type: 'web_search' },
        ],
      }),
    ).toEqual(['shell', 'apply_patch', 'web_search']);
    expect(
      offeredToolNames('messages', {
        tools: [
          { name: 'shell', input_schema: {} },
          { type: 'bash_20250124', name: 'bash' },
        ],
      }),
    ).toEqual(['shell', 'bash']);
    expect(offeredToolNames('messages', {})).toEqual([]);
  });
});

describe('scripted tool calls, Ollama', () => {
  it('sends message.tool_calls on the native /api/chat', async () => {
    emulator.setScript([{ toolCalls: [{ name: 'shell', arguments: { command: 'pwd' } }] }]);
    const response = await fetch(`${emulator.urls.ollama}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'llama3.2',
        stream: false,
        messages: [{ role: 'user', content: 'where am I?' }],
        tools: [shellTool],
      }),
    });
    expect(await response.json()).toMatchObject({
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'shell', arguments: { command: 'pwd' } } }],
      },
      done: true,
    });
  });
});
