import { AgentBoss, MicroBot, type Mount } from '@bots/core';
import { positionals } from '../arguments.js';
import type { CommandContext } from '../command-context.js';
import { EXIT } from '../command-context.js';
import { existingPath, parseBotArgs, runBot } from '../run-bot.js';

/** `bots run "<task>" [--mount <dir>]... [--writable] [--boss]`: a MicroBot (or an AgentBoss). */
export async function run(context: CommandContext): Promise<number> {
  const parsed = parseBotArgs('run', context, {
    mount: { type: 'string', multiple: true },
    writable: { type: 'boolean', default: false },
    boss: { type: 'boolean', default: false },
  });
  if (!parsed) return EXIT.success;
  const [task] = positionals('run', parsed.positionals, ['task']) as [string];
  const writable = parsed.values.writable === true;
  const mounts: Mount[] = ((parsed.values.mount as string[] | undefined) ?? []).map((path) => ({
    hostPath: existingPath(context, path, 'folder'),
    mode: writable ? 'read-write' : 'read-only',
  }));
  const Bot = parsed.values.boss === true ? AgentBoss : MicroBot;
  const where =
    mounts.length === 0
      ? 'no folder mounted'
      : mounts
          .map((mount) => `${mount.hostPath} (${writable ? 'read-write' : 'read-only'})`)
          .join(', ');
  return runBot(context, {
    flags: parsed.flags,
    describe: `${Bot.name}: ${where}`,
    createBot: ({ model, environment }) =>
      new Bot({ model, environment, mounts, env: context.env }),
    run: (bot, options) => bot.run(task, options),
  });
}
