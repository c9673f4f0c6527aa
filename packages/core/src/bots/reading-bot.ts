import { posix } from 'node:path';
import type { Mount } from '../environment.js';
import { existingPath } from './folder-option.js';
import { MicroBot, type MicroBotOptions } from './micro-bot.js';

/** Options of `ReadingBot`. */
export interface ReadingBotOptions extends Omit<MicroBotOptions, 'mounts'> {
  /** The folder to answer questions about. Mounted read-only: the host folder never changes. */
  folder: string;
  /** Where the folder appears in the sandbox. Default `/workdir/<folder name>`. */
  sandboxPath?: string;
}

/**
 * Answers questions about a folder, mounted read-only: the bot may write there (to try things),
 * but writes go to a throwaway layer and the host folder never changes.
 *
 * @example
 * await using bot = new ReadingBot({ model: 'azure-openai/gpt-4o', folder: './docs' });
 * const { result } = await bot.run('Which page explains authentication?');
 */
export class ReadingBot extends MicroBot {
  /** The folder, as an absolute host path. */
  readonly folder: string;
  /** Where the folder appears in the sandbox. */
  readonly folderInSandbox: string;

  constructor(options: ReadingBotOptions) {
    const folder = existingPath(options?.folder, 'folder', 'ReadingBot', 'folder');
    const sandboxPath = options.sandboxPath ?? posix.join('/workdir', posix.basename(folder));
    const mount: Mount = { hostPath: folder, sandboxPath, mode: 'read-only' };
    super({
      ...options,
      mounts: [mount],
      systemPrompt: [
        `You answer questions about the folder ${sandboxPath}, a read-only copy of the user's folder.`,
        'Explore it with commands (ls, find, grep, head, sed -n, wc) and base your answer on what you read, citing file paths.',
        'Do not guess: if the folder does not contain the answer, say so.',
        options.systemPrompt ?? '',
      ]
        .join('\n')
        .trim(),
    });
    this.folder = folder;
    this.folderInSandbox = sandboxPath;
  }
}
