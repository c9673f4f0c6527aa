import { afterEach, describe, expect, it } from 'vitest';
import { FakeEnvironment } from './fake-environment.js';
import { answerReply, commandReply, ScriptedChatModel } from './scripted-chat-model.js';

const environments: FakeEnvironment[] = [];
afterEach(async () => {
  await Promise.all(environments.splice(0).map((environment) => environment.dispose()));
});

describe('ScriptedChatModel', () => {
  it('replies in order, records copies of the messages, and says when the script ends', async () => {
    const model = new ScriptedChatModel({
      replies: [
        commandReply('ls', 'look'),
        'raw text',
        { text: 'with usage', usage: { inputTokens: 1, outputTokens: 2 } },
      ],
      provider: 'azure-openai',
      name: 'gpt-4o',
    });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    expect(await model.complete({ messages, json: true })).toEqual({
      text: '{"task_done":false,"thoughts":"look","command":"ls"}',
    });
    messages.push({ role: 'user', content: 'later' });
    expect((await model.complete({ messages })).text).toBe('raw text');
    expect(await model.complete({ messages })).toEqual({
      text: 'with usage',
      usage: { inputTokens: 1, outputTokens: 2 },
    });
    expect(model.calls[0]?.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(model.calls[0]?.json).toBe(true);
    await expect(model.complete({ messages })).rejects.toThrow(
      'ScriptedChatModel has no reply for call 4: the script has 3.',
    );
    expect(`${model.provider}/${model.name}`).toBe('azure-openai/gpt-4o');
  });

  it('computes replies from the conversation and rejects aborted calls', async () => {
    const model = new ScriptedChatModel({
      replies: (request) => answerReply(`you said ${request.messages.at(-1)?.content}`),
    });
    const reply = await model.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(JSON.parse(reply.text)).toEqual({
      task_done: true,
      thoughts: 'you said x',
      command: '',
    });
    await expect(
      model.complete({ messages: [], signal: AbortSignal.abort(new Error('stop')) }),
    ).rejects.toThrow('stop');
  });
});

describe('FakeEnvironment', () => {
  it('keeps cd and export between commands and hides the host environment', async () => {
    process.env.BOTS_TEST_HOST_ONLY = 'host-value';
    const environment = new FakeEnvironment({ env: { GIVEN: 'yes' } });
    environments.push(environment);
    await environment.execute('mkdir sub && cd sub && export COLOR=blue');
    const result = await environment.execute(
      'pwd; echo "$COLOR $GIVEN [$BOTS_TEST_HOST_ONLY]"; exit 5',
    );
    expect(result.exitCode).toBe(5);
    expect(result.output).toBe(`${environment.root}/work/sub\nblue yes []\n`);
    delete process.env.BOTS_TEST_HOST_ONLY;
  });

  it('interleaves stderr with stdout, kills at the timeout with exit 124, caps when asked', async () => {
    const environment = new FakeEnvironment({ maxOutputChars: 300 });
    environments.push(environment);
    const mixed = await environment.execute('echo out; echo err >&2');
    expect(mixed.output).toBe('out\nerr\n');
    const slow = await environment.execute('echo before; sleep 5', { timeoutMs: 100 });
    expect(slow).toMatchObject({ exitCode: 124, timedOut: true, output: 'before\n' });
    const big = await environment.execute('seq 1 10000');
    expect(big.truncated).toBe(true);
    expect(big.output.length).toBeLessThanOrEqual(300);
  });

  it('rejects with the signal reason when aborted, and removes its folder on dispose', async () => {
    const environment = new FakeEnvironment();
    const controller = new AbortController();
    const running = environment.execute('sleep 5', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(running).rejects.toThrow('cancelled');
    const { existsSync } = await import('node:fs');
    const root = environment.root;
    await environment.dispose();
    expect(existsSync(root)).toBe(false);
  });
});
