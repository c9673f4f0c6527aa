import { LogAnalysisBot } from '@bots/core';
import { positionals } from '../arguments.js';
import { type CommandContext, EXIT } from '../command-context.js';
import { existingPath, parseBotArgs, runBot } from '../run-bot.js';

/** `bots logs <file> ["<question>"]`: a LogAnalysisBot (only that file, read-only). */
export async function logs(context: CommandContext): Promise<number> {
  const parsed = parseBotArgs('logs', context, {});
  if (!parsed) return EXIT.success;
  const [file, question] = positionals('logs', parsed.positionals, ['file'], ['question']) as [
    string,
    string | undefined,
  ];
  const logFile = existingPath(context, file, 'file');
  return runBot(context, {
    flags: parsed.flags,
    describe: `LogAnalysisBot on ${logFile} (only this file, read-only)${question ? '' : '; task: find the failing line, the cause and the fix'}`,
    createBot: ({ model, environment }) =>
      new LogAnalysisBot({ model, environment, logFile, env: context.env }),
    run: (bot, options) => (bot as LogAnalysisBot).run(question, options),
  });
}
