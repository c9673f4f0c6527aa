import { ReadingBot } from '@bots/core';
import { BOT_OPTIONS } from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { parseCommand } from '../parse-command.js';
import { botFlags, existingPath, runBot } from '../run-bot.js';

const spec = {
  name: 'read',
  summary: 'answer a question about a folder (mounted read-only: never changed)',
  description:
    'A ReadingBot answers the question from what it finds in the folder. The folder is mounted read-only: the bot may write in the sandbox, but the folder on this machine never changes.',
  arguments: [
    { name: 'dir', description: 'the folder to read' },
    { name: 'question', quoted: true, description: 'what to find out' },
  ],
  options: BOT_OPTIONS,
  examples: [
    'bots read ./docs "Which page explains authentication, and what does it recommend?" --model azure-openai/gpt-4o',
  ],
} as const satisfies CommandSpec;

/** `bots read <dir> "<question>"`: a ReadingBot (the folder is mounted read-only). */
export const read: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const [dir, question] = parsed.positionals as [string, string];
    const folder = existingPath(context, 'read', dir, 'folder');
    return runBot(context, {
      flags: botFlags(parsed.values, parsed.given),
      describe: `ReadingBot on ${folder} (read-only: the folder is never changed)`,
      createBot: ({ model, environment }) =>
        new ReadingBot({ model, environment, folder, env: context.env }),
      run: (bot, options) => bot.run(question, options),
    });
  },
};
