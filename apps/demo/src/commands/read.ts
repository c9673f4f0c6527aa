import { ReadingBot } from '@bots/core';
import { positionals } from '../arguments.js';
import { type CommandContext, EXIT } from '../command-context.js';
import { existingPath, parseBotArgs, runBot } from '../run-bot.js';

/** `bots read <dir> "<question>"`: a ReadingBot (the folder is mounted read-only). */
export async function read(context: CommandContext): Promise<number> {
  const parsed = parseBotArgs('read', context, {});
  if (!parsed) return EXIT.success;
  const [dir, question] = positionals('read', parsed.positionals, ['dir', 'question']) as [
    string,
    string,
  ];
  const folder = existingPath(context, dir, 'folder');
  return runBot(context, {
    flags: parsed.flags,
    describe: `ReadingBot on ${folder} (read-only: the folder is never changed)`,
    createBot: ({ model, environment }) =>
      new ReadingBot({ model, environment, folder, env: context.env }),
    run: (bot, options) => bot.run(question, options),
  });
}
