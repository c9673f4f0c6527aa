import { AgentBoss, MicroBot, type Mount } from '@bots/core';
import { BOT_OPTIONS } from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { flag, list } from '../option-table.js';
import { parseCommand } from '../parse-command.js';
import { botFlags, existingPath, runBot } from '../run-bot.js';
import { UsageError } from '../usage.js';

const spec = {
  name: 'run',
  summary:
    'a bot does a task in a sandbox, with the folders you mount (or an AgentBoss that delegates)',
  description:
    'A MicroBot does the task: it asks the model for shell commands and runs them in a sandbox (Docker, or bubblewrap on this host) that sees only the folders you mount, then prints the answer on stdout. Progress (each step: thoughts, command, exit code, times) goes to stderr.',
  arguments: [{ name: 'task', quoted: true, description: 'what the bot should do' }],
  options: {
    mount: list({
      argument: '<dir>',
      description: 'a folder the bot sees, read-only unless --writable; repeat for more folders',
      parse: (raw) => raw,
    }),
    writable: flag("mount the --mount folders read-write: the bot's changes reach them"),
    boss: flag('an AgentBoss, which delegates sub-tasks to sub-bots (their steps are indented)'),
    ...BOT_OPTIONS,
  },
  examples: [
    'bots run "Which tag is the latest?" --mount ./repo --model azure-openai/gpt-4o --timeout 300 --json',
  ],
} as const satisfies CommandSpec;

/** `bots run "<task>" [--mount <dir>]... [--writable] [--boss]`: a MicroBot (or an AgentBoss). */
export const run: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const { values } = parsed;
    const [task] = parsed.positionals as [string];
    if (values.writable && values.mount.length === 0) {
      throw new UsageError(
        '--writable makes the --mount folders read-write, but no --mount was given. Add --mount <dir>, or leave out --writable.',
        'run',
      );
    }
    const mode = values.writable ? 'read-write' : 'read-only';
    const mounts: Mount[] = values.mount.map((path) => ({
      hostPath: existingPath(context, 'run', path, 'folder'),
      mode,
    }));
    const Bot = values.boss ? AgentBoss : MicroBot;
    const where =
      mounts.length === 0
        ? 'no folder mounted'
        : mounts.map((mount) => `${mount.hostPath} (${mode})`).join(', ');
    return runBot(context, {
      flags: botFlags(values, parsed.given),
      describe: `${Bot.name}: ${where}`,
      createBot: ({ model, environment }) =>
        new Bot({ model, environment, mounts, env: context.env }),
      run: (bot, options) => bot.run(task, options),
    });
  },
};
