import { WritingBot } from '@bots/core';
import { BOT_OPTIONS } from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { parseCommand } from '../parse-command.js';
import { botFlags, existingPath, runBot } from '../run-bot.js';

const spec = {
  name: 'write',
  summary: 'change files in a folder (mounted read-write)',
  description:
    'A WritingBot does the task on the folder, which is mounted read-write: the changes the bot makes in the sandbox reach the folder on this machine. Nothing else of this machine is visible to it.',
  arguments: [
    { name: 'dir', description: 'the folder to change' },
    { name: 'task', quoted: true, description: 'what to change' },
  ],
  options: BOT_OPTIONS,
  examples: [
    'bots write ./project "Add a .editorconfig: 2 spaces, LF, final newline." --model azure-openai/gpt-4o --sandbox docker',
  ],
} as const satisfies CommandSpec;

/** `bots write <dir> "<task>"`: a WritingBot (the folder is mounted read-write). */
export const write: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const [dir, task] = parsed.positionals as [string, string];
    const folder = existingPath(context, 'write', dir, 'folder');
    return runBot(context, {
      flags: botFlags(parsed.values, parsed.given),
      describe: `WritingBot on ${folder} (read-write: the bot's changes reach this folder)`,
      createBot: ({ model, environment }) =>
        new WritingBot({ model, environment, folder, env: context.env }),
      run: (bot, options) => bot.run(task, options),
    });
  },
};
