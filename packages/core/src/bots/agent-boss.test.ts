import type { ChatRequest } from '@bots/providers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Step } from '../loop/bot-result.js';
import type { BotTool } from '../loop/tool.js';
import { FakeEnvironment } from '../testing/fake-environment.js';
import {
  answerReply,
  commandReply,
  type ProtocolReply,
  ScriptedChatModel,
} from '../testing/scripted-chat-model.js';
import { hangingCommand, ScriptedEnvironment } from '../testing/scripted-environment.js';
import { AgentBoss } from './agent-boss.js';

const environments: FakeEnvironment[] = [];
afterEach(async () => {
  await Promise.all(environments.splice(0).map((environment) => environment.dispose()));
});

/** Which conversation a call belongs to: the boss's, or a sub-bot's (named by its task). */
function conversationOf(request: ChatRequest): string {
  const system = request.messages[0]?.content ?? '';
  const task = request.messages[1]?.content ?? '';
  return system.includes('You are a sub-bot') ? `sub:${task}` : 'boss';
}

/** Replies per conversation, in order; records the order of calls. */
function scriptByConversation(scripts: Record<string, ProtocolReply[]>, order: string[]) {
  const positions = new Map<string, number>();
  return (request: ChatRequest) => {
    const key = conversationOf(request);
    order.push(key);
    const position = positions.get(key) ?? 0;
    positions.set(key, position + 1);
    const reply = scripts[key]?.[position];
    if (!reply) throw new Error(`no scripted reply ${position} for ${key}`);
    return reply;
  };
}

describe('AgentBoss', () => {
  it('delegates two sub-tasks to sub-bots that share its model, sandbox and budget', async () => {
    const order: string[] = [];
    const model = new ScriptedChatModel({
      replies: scriptByConversation(
        {
          boss: [
            commandReply('delegate "Write the number 42 to answer.txt"'),
            commandReply("delegate 'Compute 6 times 7 with the shell'"),
            commandReply('cat answer.txt'),
            answerReply('Both sub-bots agree: 42.'),
          ],
          'sub:Write the number 42 to answer.txt': [
            commandReply('echo 42 > answer.txt'),
            answerReply('answer.txt now holds 42.'),
          ],
          'sub:Compute 6 times 7 with the shell': [
            commandReply('echo $((6*7))'),
            answerReply('6 times 7 is 42.'),
          ],
        },
        order,
      ),
      usage: { inputTokens: 100, outputTokens: 10 },
    });
    const environment = new FakeEnvironment();
    environments.push(environment);
    const seen: Step[] = [];
    const boss = new AgentBoss({ model, environment });
    const result = await boss.run('Find out the answer twice.', {
      maxIterations: 8,
      onStep: (step) => seen.push(step),
    });

    expect(result.status).toBe('success');
    expect(result.result).toBe('Both sub-bots agree: 42.');
    // One model instance served every conversation, within the shared budget of 8.
    expect(order).toEqual([
      'boss',
      'sub:Write the number 42 to answer.txt',
      'sub:Write the number 42 to answer.txt',
      'boss',
      'sub:Compute 6 times 7 with the shell',
      'sub:Compute 6 times 7 with the shell',
      'boss',
      'boss',
    ]);
    expect(model.calls).toHaveLength(8);
    expect(result.iterations).toBe(4);
    expect(result.usage).toEqual({ inputTokens: 800, outputTokens: 80 });
    // One sandbox: the file the first sub-bot wrote is what the boss read.
    expect(environment.commands).toEqual([
      'echo 42 > answer.txt',
      'echo $((6*7))',
      'cat answer.txt',
    ]);
    // The boss got each sub-bot's answer as the delegate command's output.
    expect(model.lastUserMessage(3)).toBe('Exit code: 0\nOutput:\nanswer.txt now holds 42.');
    expect(model.lastUserMessage(6)).toBe('Exit code: 0\nOutput:\n6 times 7 is 42.');
    expect(model.lastUserMessage(7)).toBe('Exit code: 0\nOutput:\n42\n');
    // A sub-bot starts a fresh conversation: the sub-bot prompt and the sub-task, nothing of the boss's.
    const subConversation = model.messagesOf(1);
    expect(subConversation).toHaveLength(2);
    expect(subConversation[1]).toEqual({
      role: 'user',
      content: 'Write the number 42 to answer.txt',
    });
    expect(subConversation[0]?.content).not.toContain('delegate');
    const bossSystem = model.messagesOf(0)[0]?.content ?? '';
    expect(bossSystem).toContain('- `delegate "<sub-task>"`: Hands a self-contained sub-task');
    expect(bossSystem).toContain('You are the boss of a team of sub-bots.');
    // Steps: the delegate steps carry the sub-steps; onStep saw sub-steps (depth 1) as they happened.
    expect(result.steps.map((step) => [step.kind, step.tool, step.subSteps?.length])).toEqual([
      ['tool', 'delegate', 2],
      ['tool', 'delegate', 2],
      ['command', undefined, undefined],
      ['answer', undefined, undefined],
    ]);
    expect(seen.map((step) => `${step.depth}:${step.index}:${step.kind}`)).toEqual([
      '1:0:command',
      '1:1:answer',
      '0:0:tool',
      '1:0:command',
      '1:1:answer',
      '0:1:tool',
      '0:2:command',
      '0:3:answer',
    ]);
  });

  it('a sub-bot that uses up the shared budget ends the boss with MaxIterationsError', async () => {
    const order: string[] = [];
    const model = new ScriptedChatModel({
      replies: scriptByConversation(
        {
          boss: [commandReply('delegate "Count forever"'), answerReply('never')],
          'sub:Count forever': [
            commandReply('echo 1'),
            commandReply('echo 2'),
            commandReply('echo 3'),
            commandReply('echo 4'),
          ],
        },
        order,
      ),
    });
    const environment = new ScriptedEnvironment((command) => command);
    const boss = new AgentBoss({ model, environment });
    const result = await boss.run('Count.', { maxIterations: 4 });

    expect(order).toEqual(['boss', 'sub:Count forever', 'sub:Count forever', 'sub:Count forever']);
    expect(environment.commands).toEqual(['echo 1', 'echo 2', 'echo 3']);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('MaxIterationsError');
    expect(result.steps[0]).toMatchObject({ kind: 'tool', tool: 'delegate', exitCode: 1 });
    expect(result.steps[0]?.output).toContain(
      'The sub-bot did not finish (failed): MaxIterationsError: The shared budget of 4 iterations',
    );
  });

  it('gives sub-bots its tools and its token provider, but not delegate', async () => {
    const tokens: string[] = [];
    const lookup: BotTool = {
      name: 'lookup',
      description: 'Looks up a word.',
      invoke: async (input, context) => {
        tokens.push(await (context.tokenProvider?.() ?? Promise.resolve('none')));
        return `meaning of ${input}`;
      },
    };
    const order: string[] = [];
    const model = new ScriptedChatModel({
      replies: scriptByConversation(
        {
          boss: [commandReply('delegate "Look up bots"'), answerReply('done')],
          'sub:Look up bots': [
            commandReply('delegate "recurse"'),
            commandReply('lookup bots'),
            answerReply('bots means robots'),
          ],
        },
        order,
      ),
    });
    const environment = new ScriptedEnvironment(() => ({
      exitCode: 127,
      output: 'delegate: command not found',
    }));
    const boss = new AgentBoss({
      model,
      environment,
      tools: [lookup],
      tokenProvider: () => 'token-of-the-boss',
    });
    const result = await boss.run('Define bots.');

    expect(result.status).toBe('success');
    expect(environment.commands).toEqual(['delegate "recurse"']);
    expect(tokens).toEqual(['token-of-the-boss']);
    const subSystem = model.messagesOf(1)[0]?.content ?? '';
    expect(subSystem).toContain('- `lookup`: Looks up a word.');
    expect(subSystem).not.toContain('delegate');
  });

  it('its timeout reaches a command a sub-bot is running', async () => {
    const order: string[] = [];
    const model = new ScriptedChatModel({
      replies: scriptByConversation(
        {
          boss: [commandReply('delegate "Wait"'), answerReply('never')],
          'sub:Wait': [commandReply('sleep 999'), answerReply('never')],
        },
        order,
      ),
    });
    const environment = new ScriptedEnvironment(hangingCommand());
    const boss = new AgentBoss({ model, environment });
    const result = await boss.run('Wait.', { timeoutMs: 200 });
    expect(result.status).toBe('timeout');
    expect(result.error?.name).toBe('RunTimeoutError');
    expect(environment.executeOptions[0]?.signal?.aborted).toBe(true);
    expect(order).toEqual(['boss', 'sub:Wait']);
  });

  it('refuses a tool of its own named delegate', () => {
    expect(
      () =>
        new AgentBoss({
          model: new ScriptedChatModel({ replies: [] }),
          tools: [{ name: 'delegate', description: 'x', invoke: async () => '' }],
        }),
    ).toThrow('AgentBoss has its own "delegate" tool');
  });
});
