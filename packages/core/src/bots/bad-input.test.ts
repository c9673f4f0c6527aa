// Bad library input to the bots and the loop: each a ConfigurationError at construction (or at
// run(), before any model call or sandbox), whose message names the option, the value it got and
// the fix, and holds no secret.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, registerSecret } from '@bots/auth';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../loop/agent-loop.js';
import { IterationBudget } from '../loop/iteration-budget.js';
import { answerReply, ScriptedChatModel } from '../testing/scripted-chat-model.js';
import { ScriptedEnvironment } from '../testing/scripted-environment.js';
import { AgentBoss } from './agent-boss.js';
import { LogAnalysisBot } from './log-analysis-bot.js';
import { MicroBot } from './micro-bot.js';
import { ReadingBot } from './reading-bot.js';
import { WritingBot } from './writing-bot.js';

const KEY = 'bots-bad-input-key-SECRET-4242';
registerSecret(KEY);
const ENV = { OPEN_AI_KEY: KEY, OPENAI_API_KEY: KEY };

const folder = mkdtempSync(join(tmpdir(), 'bots-bad-input-'));
const project = join(folder, 'project');
const logFile = join(folder, 'app.log');
mkdirSync(project);
writeFileSync(logFile, 'ERROR boom\n');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const model = 'openai/gpt-4.1';
const base = { model, env: ENV };

/** A bot whose model and sandbox record any use: bad run options must reach neither. */
function recordingBot() {
  const chat = new ScriptedChatModel({ replies: [answerReply('done')] });
  const environment = new ScriptedEnvironment();
  const bot = new MicroBot({ model: chat, environment });
  return { bot, chat, environment };
}

const loopBase = () => ({
  task: 'Do it.',
  systemPrompt: 'SYSTEM',
  model: new ScriptedChatModel({ replies: [answerReply('done')] }),
  environment: new ScriptedEnvironment(),
});

type Case = [label: string, call: () => unknown, message: RegExp];

const cases: Case[] = [
  [
    'MicroBot(null)',
    () => new MicroBot(null as never),
    /^MicroBot options must be an object, but got null\. Pass an object, e\.g\. new MicroBot\(\{ model: 'azure-openai\/gpt-4o' \}\)\./,
  ],
  [
    'MicroBot("x")',
    () => new MicroBot('openai/gpt-4.1' as never),
    /^MicroBot options must be an object, but got "openai\/gpt-4\.1"\./,
  ],
  [
    'an unknown MicroBot option',
    () => new MicroBot({ ...base, mount: [{ hostPath: project }] } as never),
    /^MicroBot options has no option "mount"\. Valid options: model, systemPrompt, mounts,/,
  ],
  [
    'a MicroBot option in the wrong case',
    () => new MicroBot({ ...base, systemprompt: 'x' } as never),
    /has no option "systemprompt"\. Did you mean systemPrompt\?/,
  ],
  [
    'systemPrompt: 5',
    () => new MicroBot({ ...base, systemPrompt: 5 } as never),
    /^systemPrompt must be a string, but got 5\. It is the bot's role and instructions/,
  ],
  [
    'sandboxOptions: "x"',
    () => new MicroBot({ ...base, sandboxOptions: 'x' } as never),
    /^sandboxOptions must be an object, but got "x"\. Pass the options of the sandbox the bot creates/,
  ],
  [
    'sandboxOptions: { memory: -1 } (checked at construction, not at the first command)',
    () => new MicroBot({ ...base, environment: 'docker', sandboxOptions: { memory: -1 } }),
    /^DockerEnvironment option memory must be an integer of at least \d+, but got -1\./,
  ],
  [
    'sandboxOptions: { pids: 0 } for the local sandbox',
    () => new MicroBot({ ...base, environment: 'local', sandboxOptions: { pids: 0 } }),
    /^pids must be an integer from 16 to \d+, but got 0\./,
  ],
  [
    'sandboxOptions: a typo of an option name',
    () => new MicroBot({ ...base, sandboxOptions: { memmory: 1024 ** 3 } }),
    /has no option "memmory"\./,
  ],
  [
    "sandboxOptions: { cpus: 1 } with environment 'auto' (it would not apply under bubblewrap)",
    () => new MicroBot({ ...base, sandboxOptions: { cpus: 1 } }),
    /^sandboxOptions\.cpus applies to DockerEnvironment only, .* Pass environment: 'docker' to keep it, or remove it\.$/,
  ],
  [
    'sandboxOptions: { image: "x" } for the local sandbox',
    () => new MicroBot({ ...base, environment: 'local', sandboxOptions: { image: 'x' } }),
    /image is an option of DockerEnvironment; LocalEnvironment .* has no image\./,
  ],
  [
    'ReadingBot sandboxOptions: { network: "bridge" } with auto (bubblewrap takes true or false)',
    () => new ReadingBot({ ...base, folder: project, sandboxOptions: { network: 'bridge' } }),
    /network must be true or false, but got "bridge"\./,
  ],
  [
    'maxOutputChars: 1.5',
    () => new MicroBot({ ...base, maxOutputChars: 1.5 }),
    /^maxOutputChars must be an integer of at least 200, but got 1\.5\. It needs room for the head/,
  ],
  [
    'maxOutputChars: 100',
    () => new MicroBot({ ...base, maxOutputChars: 100 }),
    /^maxOutputChars must be an integer of at least 200, but got 100\./,
  ],
  [
    'env: "x"',
    () => new MicroBot({ ...base, env: 'x' as never }),
    /^env must be an object, but got "x"\. Pass process\.env/,
  ],
  [
    'environment: "podman"',
    () => new MicroBot({ ...base, environment: 'podman' as never }),
    /^environment must be one of "docker", "local", but got "podman"\. Leave it out to use Docker when an engine answers/,
  ],
  [
    'environment: an object without execute',
    () => new MicroBot({ ...base, environment: {} as never }),
    /^environment must be an Environment \(start, execute, copyIn, dispose\), 'docker' or 'local', but got an object\./,
  ],
  [
    'model: 42',
    () => new MicroBot({ model: 42 as never }),
    /^model must be a model string such as 'azure-openai\/gpt-4o' or a ChatModel .*but got 42\./,
  ],
  [
    'model: a key',
    () => new MicroBot({ model: KEY as never }),
    /^Invalid model string: "\[REDACTED\]" has no "\/"/,
  ],
  [
    'mounts: "./data"',
    () => new MicroBot({ ...base, mounts: './data' as never }),
    /^mounts must be an array, e\.g\. \[\{ hostPath: '\.\/data' \}\], but got "\.\/data"\./,
  ],
  [
    'mounts[0]: a string',
    () => new MicroBot({ ...base, mounts: [project] as never }),
    /^mounts\[0\] must be an object, but got ".*"\. A mount is \{ hostPath: '\.\/data' \}\./,
  ],
  [
    'mounts[0].hostPath: 5',
    () => new MicroBot({ ...base, mounts: [{ hostPath: 5 }] as never }),
    /^mounts\[0\]\.hostPath must be a non-empty string, but got 5\. Pass the path of a folder or file/,
  ],
  [
    'mounts[0].mode: "rw"',
    () => new MicroBot({ ...base, mounts: [{ hostPath: project, mode: 'rw' as never }] }),
    /^mounts\[0\]\.mode must be one of "read-only", "read-write", but got "rw"\./,
  ],
  [
    'mounts[0].sandboxPath relative',
    () => new MicroBot({ ...base, mounts: [{ hostPath: project, sandboxPath: 'data' }] }),
    /^mounts\[0\]\.sandboxPath must be an absolute path in the sandbox, such as \/workdir\/data, but got "data"\./,
  ],
  [
    'tools: {}',
    () => new MicroBot({ ...base, tools: {} as never }),
    /^tools must be an array of tools/,
  ],
  [
    'tools[0]: null',
    () => new MicroBot({ ...base, tools: [null] as never }),
    /^tools\[0\] must be an object, but got null\. A tool is \{ name, description, invoke \}\./,
  ],
  [
    'a tool timeoutMs beyond a timer',
    () =>
      new MicroBot({
        ...base,
        tools: [{ name: 'slow', description: 'x', invoke: async () => '', timeoutMs: 1e20 }],
      }),
    /^timeoutMs of the tool "slow" must be a positive number of milliseconds, at most 2147483647, but got 100000000000000000000\./,
  ],
  [
    'tokenProvider: a token string',
    () => new MicroBot({ ...base, tokenProvider: KEY as never }),
    /^tokenProvider must be a function that returns a token/,
  ],
  [
    'ReadingBot with mounts',
    () => new ReadingBot({ ...base, folder: project, mounts: [] } as never),
    /^ReadingBot options has no option "mounts"\. Valid options: model, systemPrompt, environment/,
  ],
  [
    'ReadingBot systemPrompt: 5',
    () => new ReadingBot({ ...base, folder: project, systemPrompt: 5 as never }),
    /^systemPrompt must be a string, but got 5\./,
  ],
  [
    'ReadingBot sandboxPath relative',
    () => new ReadingBot({ ...base, folder: project, sandboxPath: 'work' }),
    /^sandboxPath must be an absolute path in the sandbox, such as \/workdir\/project, but got "work"\./,
  ],
  [
    'ReadingBot without folder',
    () => new ReadingBot({ ...base } as never),
    /^ReadingBot needs folder: the path of the folder on the host/,
  ],
  [
    'WritingBot with a file as folder',
    () => new WritingBot({ ...base, folder: logFile }),
    /^WritingBot: folder .* is not a folder\./,
  ],
  [
    'LogAnalysisBot with a folder as logFile',
    () => new LogAnalysisBot({ ...base, logFile: project }),
    /^LogAnalysisBot: logFile .* is not a file\./,
  ],
  [
    'LogAnalysisBot with an unknown option',
    () => new LogAnalysisBot({ ...base, logFile, folder: project } as never),
    /^LogAnalysisBot options has no option "folder"\./,
  ],
  [
    'AgentBoss subBotPrompt: 5',
    () => new AgentBoss({ ...base, subBotPrompt: 5 as never }),
    /^subBotPrompt must be a string, but got 5\./,
  ],
  [
    'run options: null',
    () => recordingBot().bot.run('x', null as never),
    /^run options must be an object, but got null\. Pass an object such as \{ timeoutMs: 600000 \}/,
  ],
  [
    'run options: an unknown key',
    () => recordingBot().bot.run('x', { timeout: 5000 } as never),
    /^run options has no option "timeout"\. Valid options: maxIterations, budget, timeoutMs/,
  ],
  [
    'run timeoutMs: 1e20',
    () => recordingBot().bot.run('x', { timeoutMs: 1e20 }),
    /^timeoutMs must be a positive number of milliseconds, at most 2147483647, but got 100000000000000000000\. It is the time limit of the whole run/,
  ],
  [
    'run timeoutMs: -1',
    () => recordingBot().bot.run('x', { timeoutMs: -1 }),
    /^timeoutMs must be a positive number of milliseconds.*but got -1\./,
  ],
  [
    'run timeoutMs: NaN',
    () => recordingBot().bot.run('x', { timeoutMs: Number.NaN }),
    /^timeoutMs must be a positive number of milliseconds.*but got NaN\./,
  ],
  [
    'run commandTimeoutMs: 3e9',
    () => recordingBot().bot.run('x', { commandTimeoutMs: 3e9 }),
    /^commandTimeoutMs must be a positive number of milliseconds, at most 2147483647, but got 3000000000\. It is the time limit of one command/,
  ],
  [
    'run maxIterations: 0',
    () => recordingBot().bot.run('x', { maxIterations: 0 }),
    /^maxIterations must be an integer of at least 1, but got 0\. It is the most model calls of the run/,
  ],
  [
    'run maxIterations: 2.5',
    () => recordingBot().bot.run('x', { maxIterations: 2.5 }),
    /^maxIterations must be an integer of at least 1, but got 2\.5\./,
  ],
  [
    'run onStep: "log"',
    () => recordingBot().bot.run('x', { onStep: 'log' as never }),
    /^onStep must be a function, but got "log"\. Pass \(step\) => void\./,
  ],
  [
    'run traceContent: "yes"',
    () => recordingBot().bot.run('x', { traceContent: 'yes' as never }),
    /^traceContent must be true or false, but got "yes"\. It records prompts, replies and commands in trace spans/,
  ],
  [
    'run signal: {}',
    () => recordingBot().bot.run('x', { signal: {} as never }),
    /^signal must be an AbortSignal \(e\.g\. new AbortController\(\)\.signal\)/,
  ],
  [
    'run budget: 5',
    () => recordingBot().bot.run('x', { budget: 5 as never }),
    /^budget must be an IterationBudget \(new IterationBudget\(20\)\)/,
  ],
  [
    'run task: 5',
    () => recordingBot().bot.run(5 as never),
    /^The task must be a non-empty string, but got a number\. Pass it as run\(task\)\./,
  ],
  [
    'new IterationBudget(0)',
    () => new IterationBudget(0),
    /^maxIterations must be an integer of at least 1, but got 0\./,
  ],
  [
    'runAgentLoop with an unknown option',
    () => runAgentLoop({ ...loopBase(), maxSteps: 3 } as never),
    /^runAgentLoop options has no option "maxSteps"\./,
  ],
  [
    'runAgentLoop maxFormatCorrections: -1',
    () => runAgentLoop({ ...loopBase(), maxFormatCorrections: -1 }),
    /^maxFormatCorrections must be an integer of 0 or more, but got -1\./,
  ],
  [
    'runAgentLoop without a model',
    () => runAgentLoop({ ...loopBase(), model: undefined as never }),
    /^model must be a ChatModel \(an object with complete\(\)\) or a function that creates one\./,
  ],
];

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad input to the bots and the loop', () => {
  it.each(cases)(
    '%s: a ConfigurationError that names the option, the value and the fix',
    async (_label, call, message) => {
      const error = await caught(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
      const text = `${String(error)} ${(error as Error).stack ?? ''} ${JSON.stringify(error)}`;
      expect(text).not.toContain(KEY);
    },
  );

  it('bad run options reach neither the model nor the sandbox', async () => {
    const { bot, chat, environment } = recordingBot();
    await expect(bot.run('x', { timeoutMs: 1e20 })).rejects.toBeInstanceOf(ConfigurationError);
    expect(chat.calls).toEqual([]);
    expect(environment.calls).toEqual({ start: 0, dispose: 0 });
  });
});
