import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@bots/auth';
import { afterAll, describe, expect, test } from 'vitest';
import { CopilotBot, type CopilotBotOptions } from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'copilot-bot-options-'));
const file = join(folder, 'file.txt');
writeFileSync(file, 'x');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const good: CopilotBotOptions = { model: 'azure-openai/gpt-4o-mini', folder };

describe('CopilotBot options are checked at creation', () => {
  test.each<[string, unknown, RegExp]>([
    ['no options', undefined, /CopilotBot options must be an object/],
    ['an unknown option', { ...good, writeable: true }, /writeable/],
    ['no model', { folder }, /model/],
    [
      'a model string of no known form',
      { ...good, model: 'gpt-4o' },
      /provider\/name|azure-openai\//,
    ],
    ['an anthropic model (not relayed)', { ...good, model: 'anthropic/claude' }, /OpenAI-shaped/],
    ['no folder', { model: good.model }, /needs folder/],
    [
      'a folder that does not exist',
      { ...good, folder: join(folder, 'missing') },
      /does not exist/,
    ],
    ['a file as the folder', { ...good, folder: file }, /is not a folder/],
    ['writable not a boolean', { ...good, writable: 'yes' }, /writable must be true or false/],
    ['an unknown sandbox', { ...good, sandbox: 'vm' }, /sandbox must be one of/],
    ['sandbox "none" (no silent host)', { ...good, sandbox: 'none' }, /sandbox must be one of/],
    ['a relative sandboxPath', { ...good, sandboxPath: 'work' }, /absolute path under \/workdir/],
    [
      'a sandboxPath outside /workdir',
      { ...good, sandboxPath: '/etc' },
      /absolute path under \/workdir/,
    ],
    ['a relative cliPath', { ...good, cliPath: 'copilot' }, /absolute path/],
    ['a cliPath that is no executable', { ...good, cliPath: file }, /no executable file/],
    ['a bad timeout', { ...good, timeoutMs: -1 }, /timeoutMs/],
    ['too little memory', { ...good, memory: 1024 }, /memory/],
    ['prepare not a function', { ...good, prepare: 'ls' }, /prepare must be a function/],
    ['prepare with the host', { ...good, sandbox: 'host', prepare: () => {} }, /has none/],
    [
      'a token provider that is not a function',
      { ...good, tokenProvider: 'token' },
      /tokenProvider/,
    ],
    ['an env with a bad name', { ...good, env: { 'A B': 'x' } }, /variable name/],
  ])('%s', (_name, options, message) => {
    let thrown: unknown;
    try {
      new CopilotBot(options as CopilotBotOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).message).toMatch(message);
  });

  test('good options make a bot, read-only in /workdir/<name> by default', () => {
    const bot = new CopilotBot(good);
    expect(bot.folder).toBe(folder);
    expect(bot.folderInSandbox).toMatch(/^\/workdir\/copilot-bot-options-/);
  });

  test('run() needs a task', async () => {
    await expect(new CopilotBot(good).run('  ')).rejects.toThrow(ConfigurationError);
  });
});
