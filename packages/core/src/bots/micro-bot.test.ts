import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@bots/auth';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Environment } from '../environment.js';
import { FakeEnvironment } from '../testing/fake-environment.js';
import {
  answerReply,
  commandReply,
  hangingReply,
  ScriptedChatModel,
} from '../testing/scripted-chat-model.js';
import { ScriptedEnvironment } from '../testing/scripted-environment.js';
import { DEFAULT_LOG_ANALYSIS_TASK, LogAnalysisBot } from './log-analysis-bot.js';
import { MicroBot } from './micro-bot.js';
import { ReadingBot } from './reading-bot.js';
import { WritingBot } from './writing-bot.js';

const hoisted = vi.hoisted(() => ({
  createdModels: [] as { model: string; options: unknown }[],
  createdEnvironments: [] as { options: any; environment: Environment }[],
  nextModel: undefined as unknown,
}));

vi.mock('@bots/providers', async (importOriginal) => {
  const original = await importOriginal<typeof import('@bots/providers')>();
  return {
    ...original,
    createChatModel: vi.fn(async (model: string, options: unknown) => {
      hoisted.createdModels.push({ model, options });
      return hoisted.nextModel;
    }),
  };
});

vi.mock('./default-environment.js', () => ({
  createDefaultEnvironment: vi.fn(async (options: unknown) => {
    const environment = new FakeEnvironment();
    hoisted.createdEnvironments.push({ options, environment });
    return environment;
  }),
}));

const folder = mkdtempSync(join(tmpdir(), 'bots-micro-bot-'));
const project = join(folder, 'project');
const logFile = join(folder, 'app.log');
writeFileSync(logFile, 'line 1\nERROR boom\n');
mkdirSync(project, { recursive: true });
afterAll(async () => {
  await Promise.all(hoisted.createdEnvironments.map(({ environment }) => environment.dispose()));
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(() => {
  hoisted.createdModels.length = 0;
  hoisted.createdEnvironments.length = 0;
  hoisted.nextModel = undefined;
});

describe('MicroBot construction', () => {
  it('checks the model string at once, listing the valid forms', () => {
    expect(() => new MicroBot({ model: 'gpt-4o' })).toThrow(ConfigurationError);
    expect(() => new MicroBot({ model: 'gpt-4o' })).toThrow(/azure-openai\/<deployment>/);
    expect(() => new MicroBot({ model: 'bogus/x' })).toThrow(/"bogus" is not a known provider/);
    expect(hoisted.createdModels).toHaveLength(0);
  });

  it.each([
    [{ model: 42 }, 'model must be a model string'],
    [{ model: 'openai/gpt-4o', tokenProvider: 'a-token' }, 'tokenProvider must be a function'],
    [
      { model: 'openai/gpt-4o', environment: 'kubernetes' },
      'environment must be one of "docker", "local", but got "kubernetes"',
    ],
    [{ model: 'openai/gpt-4o', mounts: [{ hostPath: '/no/such/folder' }] }, 'does not exist'],
    [
      { model: 'openai/gpt-4o', mounts: [{ hostPath: '/tmp', mode: 'rw' }] },
      'mounts[0].mode must be one of "read-only", "read-write", but got "rw"',
    ],
    [
      { model: 'openai/gpt-4o', maxOutputChars: 10 },
      'maxOutputChars must be an integer of at least 200',
    ],
  ])('rejects bad options at construction: %o', (options, message) => {
    expect(() => new MicroBot(options as never)).toThrow(message);
  });

  it('creates the model on the first run only, with env and token provider', async () => {
    const model = new ScriptedChatModel({ replies: [answerReply('one'), answerReply('two')] });
    hoisted.nextModel = model;
    const env = { OPENAI_API_KEY: 'sk-test-key-000000000' };
    const bot = new MicroBot({
      model: 'openai/gpt-4o',
      env,
      tokenProvider: () => 'sync-token',
      environment: new ScriptedEnvironment(),
    });
    expect(hoisted.createdModels).toHaveLength(0);
    expect((await bot.run('first')).result).toBe('one');
    expect((await bot.run('second')).result).toBe('two');
    expect(hoisted.createdModels).toHaveLength(1);
    const options = hoisted.createdModels[0]?.options as {
      env: unknown;
      tokenProvider: () => Promise<string>;
    };
    expect(hoisted.createdModels[0]?.model).toBe('openai/gpt-4o');
    expect(options.env).toBe(env);
    await expect(options.tokenProvider()).resolves.toBe('sync-token');
  });

  it('a model that cannot be created is a failed result, not a throw', async () => {
    const { createChatModel } = await import('@bots/providers');
    vi.mocked(createChatModel).mockRejectedValueOnce(
      new ConfigurationError(
        'No credentials for azure-openai. Set OPEN_AI_KEY, or pass tokenProvider.',
      ),
    );
    const bot = new MicroBot({
      model: 'azure-openai/gpt-4o',
      environment: new ScriptedEnvironment(),
    });
    const result = await bot.run('hi');
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({
      name: 'ConfigurationError',
      kind: 'configuration',
      message: 'No credentials for azure-openai. Set OPEN_AI_KEY, or pass tokenProvider.',
    });
  });
});

describe('MicroBot sandbox ownership', () => {
  it('never disposes an environment that was passed in', async () => {
    const environment = new ScriptedEnvironment();
    const bot = new MicroBot({
      model: new ScriptedChatModel({ replies: [commandReply('ls'), answerReply('done')] }),
      environment,
    });
    await bot.run('list');
    await bot.dispose();
    expect(environment.calls.dispose).toBe(0);
    expect(environment.commands).toEqual(['ls']);
  });

  it('creates its own sandbox with its mounts, keeps it between runs, disposes it', async () => {
    const model = new ScriptedChatModel({
      replies: [commandReply('cd /tmp'), answerReply('a'), commandReply('pwd'), answerReply('b')],
    });
    const bot = new MicroBot({
      model,
      mounts: [{ hostPath: project, mode: 'read-write' }],
      environment: 'local',
      sandboxOptions: { memory: 256 * 1024 ** 2 },
    });
    await bot.run('one');
    await bot.run('two');
    expect(hoisted.createdEnvironments).toHaveLength(1);
    const created = hoisted.createdEnvironments[0];
    expect(created?.options).toEqual({
      kind: 'local',
      mounts: [{ hostPath: project, mode: 'read-write' }],
      sandboxOptions: { memory: 256 * 1024 ** 2 },
    });
    expect(model.lastUserMessage(3)).toBe('Exit code: 0\nOutput:\n/tmp\n');
    const fake = created?.environment as FakeEnvironment;
    await bot[Symbol.asyncDispose]();
    expect(fake.disposed).toBe(true);
    await expect(bot.run('three')).rejects.toThrow('This bot was disposed');
  });

  it('replaces its own sandbox after a run that timed out', async () => {
    const model = new ScriptedChatModel({
      replies: [
        commandReply('echo 1'),
        hangingReply(),
        commandReply('echo 2'),
        answerReply('fresh'),
      ],
    });
    const bot = new MicroBot({ model, environment: 'docker' });
    const first = await bot.run('slow', { timeoutMs: 300 });
    expect(first.status).toBe('timeout');
    const firstEnvironment = hoisted.createdEnvironments[0]?.environment as FakeEnvironment;
    expect(firstEnvironment.disposed).toBe(true);
    const second = await bot.run('again');
    expect(second.result).toBe('fresh');
    expect(hoisted.createdEnvironments).toHaveLength(2);
    const secondEnvironment = hoisted.createdEnvironments[1]?.environment as FakeEnvironment;
    expect(secondEnvironment.commands).toEqual(['echo 2']);
    expect(secondEnvironment.disposed).toBe(false);
    await bot.dispose();
    expect(secondEnvironment.disposed).toBe(true);
  });

  it('refuses a second run while one is in progress', async () => {
    const bot = new MicroBot({
      model: new ScriptedChatModel({ replies: hangingReply() }),
      environment: new ScriptedEnvironment(),
    });
    const controller = new AbortController();
    const first = bot.run('one', { signal: controller.signal });
    await expect(bot.run('two')).rejects.toThrow('already running a task');
    controller.abort();
    expect((await first).status).toBe('aborted');
  });
});

describe('ReadingBot, WritingBot, LogAnalysisBot', () => {
  it('ReadingBot mounts the folder read-only and tells the model so', async () => {
    const model = new ScriptedChatModel({ replies: [answerReply('It has a README.')] });
    const bot = new ReadingBot({ model, folder: project, environment: 'local' });
    expect(bot.mounts).toEqual([
      { hostPath: project, sandboxPath: '/workdir/project', mode: 'read-only' },
    ]);
    const result = await bot.run('What is in it?');
    expect(result.result).toBe('It has a README.');
    const system = model.messagesOf(0)[0]?.content ?? '';
    expect(system).toContain('/workdir/project is a folder mounted read-only');
    expect(system).toContain(
      "You answer questions about the folder /workdir/project, a read-only copy of the user's folder.",
    );
    expect(model.messagesOf(0)[1]).toEqual({ role: 'user', content: 'What is in it?' });
    await bot.dispose();
  });

  it('ReadingBot keeps the user prompt after its own role', () => {
    const bot = new ReadingBot({
      model: new ScriptedChatModel({ replies: [] }),
      folder: project,
      systemPrompt: 'Answer in French.',
    });
    expect(bot.getSystemPrompt().endsWith('Answer in French.')).toBe(true);
  });

  it.each([
    [
      () => new ReadingBot({ model: 'openai/x', folder: '/no/such/dir' }),
      'folder /no/such/dir does not exist',
    ],
    [() => new ReadingBot({ model: 'openai/x', folder: logFile }), 'is not a folder'],
    [() => new WritingBot({ model: 'openai/x' } as never), 'WritingBot needs folder'],
    [() => new LogAnalysisBot({ model: 'openai/x', logFile: project }), 'is not a file'],
  ])('checks its path at construction (%#)', (create, message) => {
    expect(create).toThrow(message);
  });

  it('WritingBot mounts the folder read-write and says that changes are saved', async () => {
    const model = new ScriptedChatModel({
      replies: [commandReply('ls /src'), answerReply('Changed nothing.')],
    });
    const bot = new WritingBot({ model, folder: project, sandboxPath: '/src' });
    expect(bot.mounts).toEqual([{ hostPath: project, sandboxPath: '/src', mode: 'read-write' }]);
    expect(bot.getSystemPrompt()).toContain(
      "/src is a folder mounted read-write: your changes there are saved to the user's folder.",
    );
    await bot.run('Nothing to do.');
    expect(hoisted.createdEnvironments[0]?.options.mounts).toEqual([
      { hostPath: project, sandboxPath: '/src', mode: 'read-write' },
    ]);
    await bot.dispose();
  });

  it('LogAnalysisBot shows only the log file, read-only, and asks for the failing line by default', async () => {
    const model = new ScriptedChatModel({
      replies: [
        commandReply('grep -n ERROR /workdir/logs/app.log'),
        answerReply('Line 2: ERROR boom'),
      ],
    });
    const bot = new LogAnalysisBot({ model, logFile });
    expect(bot.mounts).toEqual([]);
    const result = await bot.run();
    expect(result.result).toBe('Line 2: ERROR boom');
    expect(hoisted.createdEnvironments[0]?.options.mounts).toEqual([
      { hostPath: logFile, sandboxPath: '/workdir/logs/app.log', mode: 'read-only' },
    ]);
    const messages = model.messagesOf(0);
    expect(messages[1]?.content).toBe(DEFAULT_LOG_ANALYSIS_TASK);
    expect(messages[0]?.content).toContain(
      "The file /workdir/logs/app.log (the log to analyse) is in the sandbox; changes to it never reach the user's file.",
    );
    expect(messages[0]?.content).toContain('names the failing line');
    expect(messages[0]?.content).toContain('No folder of the host is mounted.');
    await bot.dispose();
  });

  it('LogAnalysisBot copies the log into a passed-in sandbox before the first command', async () => {
    const environment = new ScriptedEnvironment();
    const events: string[] = [];
    const copyIn = environment.copyIn.bind(environment);
    environment.copyIn = async (hostPath, sandboxPath) => {
      events.push(`copy ${sandboxPath}`);
      await copyIn(hostPath, sandboxPath);
    };
    const execute = environment.execute.bind(environment);
    environment.execute = async (command, options) => {
      events.push(`run ${command}`);
      return execute(command, options);
    };
    const model = new ScriptedChatModel({
      replies: [
        commandReply('wc -l /logs/app.log'),
        commandReply('tail -1 /logs/app.log'),
        answerReply('ok'),
      ],
    });
    const bot = new LogAnalysisBot({ model, logFile, environment, sandboxPath: '/logs/app.log' });
    await bot.run('Why did it fail?');
    expect(environment.copies).toEqual([{ hostPath: logFile, sandboxPath: '/logs/app.log' }]);
    expect(events).toEqual([
      'copy /logs/app.log',
      'run wc -l /logs/app.log',
      'run tail -1 /logs/app.log',
    ]);
  });
});
