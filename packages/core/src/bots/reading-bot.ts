import { posix } from 'node:path';
import type { Mount } from '../environment.js';
import { checkBotOptions, optionNamesWithout, promptOption } from './bot-options.js';
import { existingPath, sandboxPathOption } from './folder-option.js';
import { MicroBot, type MicroBotOptions } from './micro-bot.js';

/** Options of `ReadingBot`. */
export interface ReadingBotOptions extends Omit<MicroBotOptions, 'mounts'> {
  /** The folder to answer questions about. Mounted read-only: the host folder never changes. */
  folder: string;
  /** Where the folder appears in the sandbox. Default `/workdir/<folder name>`. */
  sandboxPath?: string;
}

const OPTION_NAMES = optionNamesWithout(['mounts'], ['folder', 'sandboxPath']);

/**
 * Answers questions about a folder, mounted read-only: the bot may write there (to try things),
 * but writes go to a throwaway layer and the host folder never changes.
 *
 * @example
 * const bot = new ReadingBot({ model: 'azure-openai/gpt-4o', folder: './docs' });
 * try {
 *   const { result } = await bot.run('Which page explains authentication?');
 * } finally {
 *   await bot.dispose(); // or `await using bot = ...` where the runtime has it (Node 22+)
 * }
 */
export class ReadingBot extends MicroBot {
  /** The folder, as an absolute host path. */
  readonly folder: string;
  /** Where the folder appears in the sandbox. */
  readonly folderInSandbox: string;

  constructor(options: ReadingBotOptions) {
    checkBotOptions(
      options,
      'ReadingBot',
      OPTION_NAMES,
      "{ folder: './docs', model: 'azure-openai/gpt-4o' }",
    );
    const { folder: folderOption, sandboxPath: sandboxOption, ...rest } = options;
    const folder = existingPath(folderOption, 'folder', 'ReadingBot', 'folder');
    const sandboxPath =
      sandboxPathOption(sandboxOption) ?? posix.join('/workdir', posix.basename(folder));
    const mount: Mount = { hostPath: folder, sandboxPath, mode: 'read-only' };
    super({
      ...rest,
      mounts: [mount],
      systemPrompt: [
        `You answer questions about the folder ${sandboxPath}, a read-only copy of the user's folder.`,
        'Explore it with commands (ls, find, grep, head, sed -n, wc) and base your answer on what you read, citing file paths.',
        'Do not guess: if the folder does not contain the answer, say so.',
        promptOption(rest.systemPrompt, 'systemPrompt'),
      ]
        .join('\n')
        .trim(),
    });
    this.folder = folder;
    this.folderInSandbox = sandboxPath;
  }
}
