import { posix } from 'node:path';
import type { Mount } from '../environment.js';
import { checkBotOptions, optionNamesWithout, promptOption } from './bot-options.js';
import { existingPath, sandboxPathOption } from './folder-option.js';
import { MicroBot, type MicroBotOptions } from './micro-bot.js';

/** Options of `WritingBot`. */
export interface WritingBotOptions extends Omit<MicroBotOptions, 'mounts'> {
  /** The folder to change. Mounted read-write: the bot's changes reach the host folder. */
  folder: string;
  /** Where the folder appears in the sandbox. Default `/workdir/<folder name>`. */
  sandboxPath?: string;
}

const OPTION_NAMES = optionNamesWithout(['mounts'], ['folder', 'sandboxPath']);

/**
 * Changes files in a folder, mounted read-write: what the bot writes there is written to the
 * host folder.
 *
 * @example
 * const bot = new WritingBot({ model: 'azure-openai/gpt-4o', folder: './project' });
 * try {
 *   const { status } = await bot.run('Add a .editorconfig with 2-space indentation.');
 * } finally {
 *   await bot.dispose(); // or `await using bot = ...` where the runtime has it (Node 22+)
 * }
 */
export class WritingBot extends MicroBot {
  /** The folder, as an absolute host path. */
  readonly folder: string;
  /** Where the folder appears in the sandbox. */
  readonly folderInSandbox: string;

  constructor(options: WritingBotOptions) {
    checkBotOptions(
      options,
      'WritingBot',
      OPTION_NAMES,
      "{ folder: './project', model: 'azure-openai/gpt-4o' }",
    );
    const { folder: folderOption, sandboxPath: sandboxOption, ...rest } = options;
    const folder = existingPath(folderOption, 'folder', 'WritingBot', 'folder');
    const sandboxPath =
      sandboxPathOption(sandboxOption) ?? posix.join('/workdir', posix.basename(folder));
    const mount: Mount = { hostPath: folder, sandboxPath, mode: 'read-write' };
    super({
      ...rest,
      mounts: [mount],
      systemPrompt: [
        `You make the requested changes to the files in ${sandboxPath}, the user's folder, mounted read-write: what you write there is saved.`,
        'Look before you change: read the relevant files first, change only what the task needs, and keep the existing style.',
        'Write files with shell tools (cat with a here-document, sed -i, tee); check the result (cat, diff, running tests if there are any) before you finish.',
        'Your final answer summarises what you changed, file by file.',
        promptOption(rest.systemPrompt, 'systemPrompt'),
      ]
        .join('\n')
        .trim(),
    });
    this.folder = folder;
    this.folderInSandbox = sandboxPath;
  }
}
