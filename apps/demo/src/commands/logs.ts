import { LogAnalysisBot } from '@bots/core';
import { BOT_OPTIONS } from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { parseCommand } from '../parse-command.js';
import { botFlags, existingPath, runBot } from '../run-bot.js';

const spec = {
  name: 'logs',
  summary: 'find why something failed, from one log file (read-only)',
  description:
    'A LogAnalysisBot reads one log file (only that file is visible, read-only) and answers the question, by default: the line where it failed, the cause and the fix.',
  arguments: [
    { name: 'file', description: 'the log file' },
    {
      name: 'question',
      quoted: true,
      optional: true,
      description: 'what to find out (default: the failing line, the cause and the fix)',
    },
  ],
  options: BOT_OPTIONS,
  examples: ['bots logs ./ci/build.log --model azure-openai/gpt-4o'],
} as const satisfies CommandSpec;

/** `bots logs <file> ["<question>"]`: a LogAnalysisBot (only that file, read-only). */
export const logs: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const [file, question] = parsed.positionals as [string, string | undefined];
    const logFile = existingPath(context, 'logs', file, 'file');
    return runBot(context, {
      flags: botFlags(parsed.values, parsed.given),
      describe: `LogAnalysisBot on ${logFile} (only this file, read-only)${question ? '' : '; task: find the failing line, the cause and the fix'}`,
      createBot: ({ model, environment }) =>
        new LogAnalysisBot({ model, environment, logFile, env: context.env }),
      run: (bot, options) => (bot as LogAnalysisBot).run(question, options),
    });
  },
};
