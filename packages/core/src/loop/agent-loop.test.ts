import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, registerSecret } from '@bots/auth';
import type { ChatModel } from '@bots/providers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeEnvironment } from '../testing/fake-environment.js';
import {
  answerReply,
  commandReply,
  hangingReply,
  ScriptedChatModel,
} from '../testing/scripted-chat-model.js';
import { hangingCommand, ScriptedEnvironment } from '../testing/scripted-environment.js';
import { type AgentLoopOptions, runAgentLoop } from './agent-loop.js';
import type { Step } from './bot-result.js';
import type { BotTool } from './tool.js';

const environments: FakeEnvironment[] = [];
function fakeEnvironment(options?: ConstructorParameters<typeof FakeEnvironment>[0]) {
  const environment = new FakeEnvironment(options);
  environments.push(environment);
  return environment;
}
afterEach(async () => {
  await Promise.all(environments.splice(0).map((environment) => environment.dispose()));
});

function loop(overrides: Partial<AgentLoopOptions> & Pick<AgentLoopOptions, 'model'>) {
  return runAgentLoop({
    task: 'Do the task.',
    systemPrompt: 'SYSTEM PROMPT',
    environment: new ScriptedEnvironment(),
    ...overrides,
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runAgentLoop: the protocol', () => {
  it('runs commands in the sandbox, feeds back exit code and output, and returns the answer', async () => {
    const model = new ScriptedChatModel({
      replies: [commandReply('echo hello; exit 3'), answerReply('It printed hello.')],
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    const environment = fakeEnvironment();
    const result = await loop({ model, environment, task: 'Say hello.' });

    expect(result).toMatchObject({
      status: 'success',
      result: 'It printed hello.',
      error: undefined,
      iterations: 2,
      usage: { inputTokens: 20, outputTokens: 4 },
    });
    expect(environment.commands).toEqual(['echo hello; exit 3']);
    expect(environment.executeOptions[0]?.timeoutMs).toBe(60_000);
    expect(environment.executeOptions[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]?.json).toBe(true);
    expect(model.calls[0]?.messages).toEqual([
      { role: 'system', content: 'SYSTEM PROMPT' },
      { role: 'user', content: 'Say hello.' },
    ]);
    expect(model.calls[1]?.messages.slice(2)).toEqual([
      { role: 'assistant', content: JSON.stringify(commandReply('echo hello; exit 3')) },
      { role: 'user', content: 'Exit code: 3\nOutput:\nhello\n' },
    ]);
    expect(
      result.steps.map(({ kind, command, exitCode }) => ({ kind, command, exitCode })),
    ).toEqual([
      { kind: 'command', command: 'echo hello; exit 3', exitCode: 3 },
      { kind: 'answer', command: '', exitCode: undefined },
    ]);
    expect(result.steps[0]).toMatchObject({
      index: 0,
      depth: 0,
      output: 'hello\n',
      timedOut: false,
      truncated: false,
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    expect(result.steps[0]?.commandDurationMs).toBeGreaterThanOrEqual(0);
  });

  it('says so when a command printed nothing', async () => {
    const model = new ScriptedChatModel({ replies: [commandReply('true'), answerReply('ok')] });
    await loop({ model });
    expect(model.lastUserMessage()).toBe('Exit code: 0\nOutput: (none)');
  });

  it('does not start a sandbox when the model answers at once', async () => {
    const environment = new ScriptedEnvironment();
    const result = await loop({
      model: new ScriptedChatModel({ replies: [answerReply('4')] }),
      environment,
    });
    expect(result.result).toBe('4');
    expect(environment.calls.start).toBe(0);
  });
});

describe('runAgentLoop: replies that break the format', () => {
  it('sends exactly 3 corrective messages, then fails with ModelFormatError', async () => {
    const model = new ScriptedChatModel({
      replies: [
        'I will look at the files.',
        '{"task_done": false, "thoughts": "x"}',
        '{"task_done": true, "thoughts": "done", "command": "ls"}',
        '{"task_done": "no", "thoughts": "x", "command": "ls"}',
        answerReply('never reached'),
      ],
    });
    const environment = new ScriptedEnvironment();
    const result = await loop({ model, environment });

    expect(result.status).toBe('failed');
    expect(result.result).toBeUndefined();
    expect(result.error?.name).toBe('ModelFormatError');
    expect(result.error?.message).toContain('broke the reply format 4 times in a row');
    expect(result.error?.message).toContain('"task_done" must be a boolean');
    expect(model.calls).toHaveLength(4);
    expect(environment.commands).toEqual([]);

    const corrections = model
      .messagesOf(3)
      .filter(
        (message) => message.role === 'user' && message.content.startsWith('Your last reply'),
      );
    expect(corrections.map((message) => message.content.split('\n')[0])).toEqual([
      'Your last reply could not be used: the reply is not a JSON object (no parsable JSON object found).',
      'Your last reply could not be used: the field "command" (string) is missing.',
      'Your last reply could not be used: "task_done" is true but "command" is not empty; when the task is done, "command" must be "" and "thoughts" holds the answer (to run a command first, set "task_done" to false).',
    ]);
    expect(corrections[2]?.content).toContain('Format correction 3 of 3');
    expect(result.steps.map((step) => step.kind)).toEqual([
      'format-error',
      'format-error',
      'format-error',
      'format-error',
    ]);
    expect(result.steps[1]?.problem).toBe('the field "command" (string) is missing');
  });

  it('counts corrections in a row only: a good reply resets the count', async () => {
    const bad = 'not json';
    const model = new ScriptedChatModel({
      replies: [bad, bad, bad, commandReply('ls'), bad, bad, bad, answerReply('fine')],
    });
    const result = await loop({ model });
    expect(result.status).toBe('success');
    expect(result.result).toBe('fine');
    expect(model.calls).toHaveLength(8);
  });

  it('honours maxFormatCorrections: 0', async () => {
    const model = new ScriptedChatModel({ replies: ['nope', answerReply('x')] });
    const result = await loop({ model, maxFormatCorrections: 0 });
    expect(result.error?.name).toBe('ModelFormatError');
    expect(model.calls).toHaveLength(1);
  });
});

describe('runAgentLoop: limits', () => {
  it('fails with MaxIterationsError after maxIterations model calls', async () => {
    let count = 0;
    const model = new ScriptedChatModel({ replies: () => commandReply(`echo ${count++}`) });
    const environment = new ScriptedEnvironment((command) => `ran ${command}`);
    const result = await loop({ model, environment, maxIterations: 3 });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({
      name: 'MaxIterationsError',
      kind: 'limit',
      message:
        'The run reached its limit of 3 iterations (maxIterations) without an answer. Raise maxIterations or split the task.',
    });
    expect(model.calls).toHaveLength(3);
    expect(environment.commands).toEqual(['echo 0', 'echo 1', 'echo 2']);
    expect(result.steps).toHaveLength(3);
  });

  it('run timeout aborts a hanging model call through its signal', async () => {
    const model = new ScriptedChatModel({ replies: hangingReply() });
    const startedAt = Date.now();
    const result = await loop({ model, timeoutMs: 150 });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(result.status).toBe('timeout');
    expect(result.error?.name).toBe('RunTimeoutError');
    expect(result.error?.message).toContain(
      'did not finish within its timeout of 150 ms (timeoutMs)',
    );
    expect(model.calls[0]?.signal?.aborted).toBe(true);
  });

  it('run timeout returns even when the model ignores its signal', async () => {
    const model: ChatModel = {
      provider: 'openai',
      name: 'stuck',
      complete: () => new Promise(() => {}),
    };
    const result = await loop({ model, timeoutMs: 100 });
    expect(result.status).toBe('timeout');
  });

  it('run timeout kills a hanging command in the sandbox', async () => {
    const environment = fakeEnvironment();
    const model = new ScriptedChatModel({
      replies: [commandReply('echo $$ > pid; sleep 30; echo survived > after'), answerReply('x')],
    });
    const startedAt = Date.now();
    const result = await loop({ model, environment, timeoutMs: 500 });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(result.status).toBe('timeout');
    expect(environment.executeOptions[0]?.signal?.aborted).toBe(true);
    const pid = Number(readFileSync(join(environment.root, 'work', 'pid'), 'utf8'));
    await vi.waitFor(() => expect(processAlive(pid)).toBe(false), { timeout: 2_000 });
    expect(model.calls).toHaveLength(1);
    expect(existsSync(join(environment.root, 'work', 'after'))).toBe(false);
  });

  it('reports a command killed at its timeout as exit 124 and goes on', async () => {
    const environment = fakeEnvironment();
    const model = new ScriptedChatModel({
      replies: [
        commandReply('echo started; sleep 10'),
        commandReply('echo next'),
        answerReply('done'),
      ],
    });
    const result = await loop({ model, environment, commandTimeoutMs: 300 });
    expect(result.status).toBe('success');
    expect(environment.executeOptions[0]?.timeoutMs).toBe(300);
    expect(result.steps[0]).toMatchObject({ exitCode: 124, timedOut: true, output: 'started\n' });
    expect(model.lastUserMessage(1)).toBe(
      'The command did not finish within 300 ms and was killed (exit code 124). Run something quicker, limit its input, or put long jobs in the background.\nExit code: 124\nOutput:\nstarted\n',
    );
    expect(environment.commands).toEqual(['echo started; sleep 10', 'echo next']);
  });

  it('aborts a command itself when the sandbox ignores the command timeout', async () => {
    const environment = new ScriptedEnvironment(hangingCommand());
    const model = new ScriptedChatModel({ replies: [commandReply('sleep 99'), answerReply('ok')] });
    const result = await loop({ model, environment, commandTimeoutMs: 100 });
    expect(result.status).toBe('success');
    expect(result.steps[0]).toMatchObject({ exitCode: 124, timedOut: true });
    expect(environment.executeOptions[0]?.signal?.aborted).toBe(true);
  });
});

describe('runAgentLoop: cancellation', () => {
  it('a user signal aborts the command in flight and ends with status aborted', async () => {
    const controller = new AbortController();
    const environment = new ScriptedEnvironment((command, options) => {
      setTimeout(() => controller.abort(), 20);
      return hangingCommand()(command, options);
    });
    const model = new ScriptedChatModel({ replies: [commandReply('sleep 99'), answerReply('x')] });
    const result = await loop({ model, environment, signal: controller.signal });
    expect(result).toMatchObject({
      status: 'aborted',
      result: undefined,
      error: { name: 'RunAbortedError', message: 'The run was aborted through its signal.' },
    });
    expect(environment.executeOptions[0]?.signal?.aborted).toBe(true);
    expect(model.calls).toHaveLength(1);
  });

  it('a user signal aborts the model call in flight, with its reason in the message', async () => {
    const controller = new AbortController();
    const model = new ScriptedChatModel({ replies: hangingReply() });
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 20);
    const result = await loop({ model, signal: controller.signal });
    expect(result.status).toBe('aborted');
    expect(result.error?.message).toBe(
      'The run was aborted through its signal (reason: user pressed Ctrl-C).',
    );
    expect(model.calls[0]?.signal?.aborted).toBe(true);
  });

  it('an already aborted signal makes no model call', async () => {
    const model = new ScriptedChatModel({ replies: [answerReply('x')] });
    const result = await loop({ model, signal: AbortSignal.abort() });
    expect(result.status).toBe('aborted');
    expect(model.calls).toHaveLength(0);
  });

  it('listeners a model adds to its signal and never removes do not pile up on the run', async () => {
    // Like openai's fetchWithTimeout: one abort listener per request, never removed.
    const model = new ScriptedChatModel({
      replies: (request, call) => {
        request.signal?.addEventListener('abort', () => {});
        return call.index >= 15 ? answerReply('done') : commandReply('true');
      },
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const result = await loop({ model, signal: controller.signal, maxIterations: 30 });
      expect(result.status).toBe('success');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual(
      [],
    );
    const signals = new Set(model.calls.map((call) => call.signal));
    expect(signals.size).toBe(model.calls.length);
  });

  it('a model call signal aborts with the run', async () => {
    const model = new ScriptedChatModel({ replies: [hangingReply()] });
    const result = await loop({ model, timeoutMs: 100 });
    expect(result.status).toBe('timeout');
    expect(model.calls[0]?.signal?.aborted).toBe(true);
    expect(model.calls[0]?.signal?.reason).toMatchObject({ name: 'RunTimeoutError' });
  });
});

describe('runAgentLoop: steps, output and secrets', () => {
  it('calls onStep once per step, in order, before the next model call', async () => {
    const events: string[] = [];
    const model = new ScriptedChatModel({
      replies: (_request, call) => {
        events.push(`model ${call.index}`);
        return ['oops', commandReply('echo a'), commandReply('echo b'), answerReply('ab')][
          call.index
        ] as string;
      },
    });
    const seen: Step[] = [];
    const result = await loop({
      model,
      onStep: (step) => {
        seen.push(step);
        events.push(`step ${step.index} ${step.kind}`);
      },
    });
    expect(events).toEqual([
      'model 0',
      'step 0 format-error',
      'model 1',
      'step 1 command',
      'model 2',
      'step 2 command',
      'model 3',
      'step 3 answer',
    ]);
    expect(seen).toEqual(result.steps);
  });

  it('ignores errors thrown by onStep', async () => {
    const model = new ScriptedChatModel({ replies: [commandReply('ls'), answerReply('ok')] });
    const result = await loop({
      model,
      onStep: () => {
        throw new Error('progress bar broke');
      },
    });
    expect(result.status).toBe('success');
  });

  it('caps the output sent to the model, keeping head and tail, when the sandbox did not', async () => {
    const environment = fakeEnvironment();
    const model = new ScriptedChatModel({
      replies: [
        commandReply("echo FIRST; head -c 50000 /dev/zero | tr '\\0' x; echo; echo LAST"),
        answerReply('ok'),
      ],
    });
    const result = await loop({ model, environment, maxOutputChars: 1000 });
    const sent = model.lastUserMessage(1);
    const output = sent.slice(sent.indexOf('Output:\n') + 'Output:\n'.length);
    expect(output.length).toBeLessThanOrEqual(1000);
    expect(output.startsWith('FIRST\nxxx')).toBe(true);
    expect(output.endsWith('xxx\nLAST\n')).toBe(true);
    expect(output).toMatch(/\n…\[\d+ characters cut\]…\n/);
    expect(result.steps[0]).toMatchObject({ truncated: true, output });
  });

  it('marks output the sandbox capped as truncated', async () => {
    const environment = new ScriptedEnvironment(() => ({
      output: 'a…[9 characters cut]…b',
      truncated: true,
    }));
    const model = new ScriptedChatModel({ replies: [commandReply('cat big'), answerReply('ok')] });
    const result = await loop({ model, environment });
    expect(result.steps[0]?.truncated).toBe(true);
  });

  it('masks the secrets the library holds in what a command printed: not sent to the model, not in steps or the answer', async () => {
    const secret = 'Zq9-registered-secret-value-1234';
    registerSecret(secret);
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsb29wIn0.c2lnbmF0dXJlLWxvb3A';
    const environment = fakeEnvironment({ env: { SECRET: secret, JWT: jwt } });
    const model = new ScriptedChatModel({
      replies: [
        commandReply(
          'echo "key=$SECRET"; echo sk-abcdefghijklmnop1234; echo "token: $JWT"; echo "Authorization: Bearer YOUR_TOKEN"',
        ),
        answerReply(`The key is ${secret}`),
      ],
    });
    const result = await loop({ model, environment });
    const sent = model.lastUserMessage(1);
    expect(sent).toBe(
      'Exit code: 0\nOutput:\nkey=[REDACTED]\n[REDACTED]\ntoken: [REDACTED]\nAuthorization: Bearer YOUR_TOKEN\n',
    );
    const everything = JSON.stringify({
      result,
      messages: model.calls.map((call) => call.messages),
    });
    expect(everything.includes(secret)).toBe(false);
    expect(everything.includes('sk-abcdefghijklmnop1234')).toBe(false);
    expect(everything.includes(jwt)).toBe(false);
    expect(result.result).toBe('The key is [REDACTED]');
  });

  it('a model error becomes a failed result with a redacted message', async () => {
    const model: ChatModel = {
      provider: 'openai',
      name: 'broken',
      complete: async () => {
        throw new Error('401 from https://x.example: api-key=abc123verysecret rejected');
      },
    };
    const result = await loop({ model });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({
      name: 'ModelCallError',
      kind: 'model',
      message: 'The model call failed: 401 from https://x.example: api-key=[REDACTED] rejected',
    });
  });

  it('a model that cannot be created becomes a failed result', async () => {
    const result = await loop({
      model: async () => {
        throw new ConfigurationError('No credentials for azure-openai. Set OPEN_AI_KEY.');
      },
    });
    expect(result.error).toEqual({
      name: 'ConfigurationError',
      kind: 'configuration',
      message: 'No credentials for azure-openai. Set OPEN_AI_KEY.',
    });
  });

  it('a sandbox that fails to run a command becomes a failed SandboxError result', async () => {
    const environment = new ScriptedEnvironment(() => {
      throw new Error('container exited');
    });
    const model = new ScriptedChatModel({ replies: [commandReply('ls'), answerReply('x')] });
    const result = await loop({ model, environment });
    expect(result.error).toEqual({
      name: 'SandboxError',
      kind: 'sandbox',
      message: 'The sandbox failed to run a command: container exited',
    });
  });

  it('a sandbox that cannot start becomes a failed result that says so', async () => {
    const model = new ScriptedChatModel({ replies: [commandReply('ls'), answerReply('x')] });
    const result = await loop({
      model,
      environment: async () => {
        throw new Error('no engine');
      },
    });
    expect(result.error?.name).toBe('SandboxError');
    expect(result.error?.message).toContain('The sandbox could not be started: no engine.');
  });
});

describe('runAgentLoop: tools', () => {
  function recordingTool(): BotTool & { inputs: string[] } {
    const inputs: string[] = [];
    return {
      name: 'lookup',
      usage: 'lookup "<term>"',
      description: 'Looks a term up.',
      inputs,
      invoke: async (input) => {
        inputs.push(input);
        if (input.includes('fail')) throw new Error('index is offline');
        return { output: `definition of ${input}`, exitCode: 0 };
      },
    };
  }

  it('calls the tool instead of the sandbox when the command starts with its name', async () => {
    const tool = recordingTool();
    const environment = new ScriptedEnvironment();
    const model = new ScriptedChatModel({
      replies: [
        commandReply('lookup "kernel"'),
        commandReply('lookup fail'),
        commandReply('lookups are shell'),
        answerReply('ok'),
      ],
    });
    const result = await loop({ model, environment, tools: [tool] });
    expect(tool.inputs).toEqual(['"kernel"', 'fail']);
    expect(environment.commands).toEqual(['lookups are shell']);
    expect(model.lastUserMessage(1)).toBe('Exit code: 0\nOutput:\ndefinition of "kernel"');
    expect(model.lastUserMessage(2)).toBe(
      'Exit code: 1\nOutput:\nThe tool "lookup" failed: index is offline',
    );
    expect(result.steps.slice(0, 2).map((step) => [step.kind, step.tool])).toEqual([
      ['tool', 'lookup'],
      ['tool', 'lookup'],
    ]);
  });

  it('kills a tool call at its own timeout', async () => {
    const tool: BotTool = {
      name: 'slow',
      description: 'Never ends.',
      timeoutMs: 50,
      invoke: (_input, context) =>
        new Promise((_, reject) =>
          context.signal.addEventListener('abort', () => reject(context.signal.reason)),
        ),
    };
    const model = new ScriptedChatModel({ replies: [commandReply('slow'), answerReply('ok')] });
    const result = await loop({ model, tools: [tool] });
    expect(result.steps[0]).toMatchObject({ kind: 'tool', exitCode: 124, timedOut: true });
    expect(model.lastUserMessage()).toContain('The tool call did not finish within 50 ms');
  });
});

describe('runAgentLoop: options', () => {
  const model = new ScriptedChatModel({ replies: [answerReply('x')] });
  it.each([
    [{ maxIterations: 0 }, 'maxIterations must be an integer of at least 1, but got 0'],
    [{ timeoutMs: -1 }, 'timeoutMs must be a positive number of milliseconds'],
    [{ commandTimeoutMs: Number.NaN }, 'commandTimeoutMs must be a positive number'],
    [{ maxOutputChars: 50 }, 'maxOutputChars must be an integer of at least 200, but got 50'],
    [{ task: '  ' }, 'The task must be a non-empty string'],
    [
      { tools: [{ name: 'Bad Name', description: 'x', invoke: async () => '' }] },
      'A tool name must be one lowercase word',
    ],
  ])('rejects %o with a ConfigurationError', async (options, message) => {
    await expect(loop({ model, ...options })).rejects.toThrow(message);
    await expect(loop({ model, ...options })).rejects.toBeInstanceOf(ConfigurationError);
  });
});
