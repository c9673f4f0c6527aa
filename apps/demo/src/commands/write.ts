import { WritingBot } from '@bots/core';
import { positionals } from '../arguments.js';
import { type CommandContext, EXIT } from '../command-context.js';
import { existingPath, parseBotArgs, runBot } from '../run-bot.js';

/** `bots write <dir> "<task>"`: a WritingBot (the folder is mounted read-write). */
export async function write(context: CommandContext): Promise<number> {
  const parsed = parseBotArgs('write', context, {});
  if (!parsed) return EXIT.success;
  const [dir, task] = positionals('write', parsed.positionals, ['dir', 'task']) as [string, string];
  const folder = existingPath(context, dir, 'folder');
  return runBot(context, {
    flags: parsed.flags,
    describe: `WritingBot on ${folder} (read-write: the bot's changes reach this folder)`,
    createBot: ({ model, environment }) =>
      new WritingBot({ model, environment, folder, env: context.env }),
    run: (bot, options) => bot.run(task, options),
  });
}
