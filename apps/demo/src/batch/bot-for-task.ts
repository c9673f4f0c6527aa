import type { Env } from '@bots/auth';
import { LogAnalysisBot, MicroBot, ReadingBot, WritingBot } from '@bots/core';
import type { ChatModel } from '@bots/providers';
import type { BatchTask } from './batch-task.js';

/** What every task's bot is made with. */
export interface BotSetup {
  model: ChatModel;
  environment: 'docker' | 'local';
  env: Env;
}

/** The bot a batch task names, on its folder or file: the same bots as `bots read/write/logs/run`. */
export function botForTask(task: Pick<BatchTask, 'bot' | 'path'>, setup: BotSetup): MicroBot {
  switch (task.bot) {
    case 'read':
      return new ReadingBot({ ...setup, folder: task.path as string });
    case 'write':
      return new WritingBot({ ...setup, folder: task.path as string });
    case 'logs':
      return new LogAnalysisBot({ ...setup, logFile: task.path as string });
    case 'run':
      return new MicroBot({
        ...setup,
        mounts: task.path ? [{ hostPath: task.path, mode: 'read-only' }] : [],
      });
  }
}
