import { checkKnownKeys, checkObject, type TokenProviderLike } from '@bots/auth';
import type { Step } from '@bots/core';
import {
  BROWSER_TASK_OPTION_KEYS,
  type BrowserTaskOptions,
  type BrowserTaskResult,
  checkBrowserTaskOptions,
} from './browser-task-options.js';
import { runBrowserTask } from './run-browser-task.js';

/** Options of {@link BrowsingBot}: everything of a browser task that is not per run. */
export type BrowsingBotOptions = Omit<BrowserTaskOptions, 'timeoutMs' | 'signal' | 'onStep'>;

/** Options of one {@link BrowsingBot.run}. */
export interface BrowsingRunOptions {
  /** Whole task, in milliseconds: the container is removed and the result is `timeout`. */
  timeoutMs?: number;
  /** Aborts the task: the container is removed and the result is `aborted`. */
  signal?: AbortSignal;
  /** Each browser action, as a `Step` of `@bots/core`. */
  onStep?: (step: Step) => void;
  /** Other output lines (runner choice, image build, browser start), redacted. Overrides the bot's. */
  onProgress?: (line: string) => void;
}

const BOT_KEYS = BROWSER_TASK_OPTION_KEYS.filter(
  (key) => key !== 'timeoutMs' && key !== 'signal' && key !== 'onStep',
);
const RUN_KEYS = ['timeoutMs', 'signal', 'onStep', 'onProgress'];

/**
 * A bot that does tasks in a web browser: Chromium in a container of the browser image when a
 * Docker engine answers, else this host's Chromium (`runner` forces one), driven by a model that
 * chooses one action at a time. Pages reach only what `allowHosts` names. `run()` returns the
 * `BotResult` shape of the other bots. Bad options throw a `ConfigurationError` here, in the
 * constructor.
 *
 * ```ts
 * const bot = new BrowsingBot({ model: 'azure-openai/gpt-4o', allowHosts: ['127.0.0.1:8080'] });
 * const { status, result } = await bot.run('What is the title of http://127.0.0.1:8080/?');
 * ```
 */
export class BrowsingBot {
  readonly options: BrowsingBotOptions;

  constructor(options: BrowsingBotOptions = {}) {
    checkBrowserTaskOptions(options, 'BrowsingBot options', BOT_KEYS);
    this.options = { ...options };
  }

  /** The bot's token provider, if it was given one. */
  get tokenProvider(): TokenProviderLike | undefined {
    return this.options.tokenProvider;
  }

  /**
   * Nothing to release: each run's container is removed when the run ends. Present so that a
   * `BrowsingBot` can be disposed like the other bots (`await using bot = ...`).
   */
  async dispose(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /**
   * Does one task. Never throws for model, browser or container failures; rejects with a
   * `ConfigurationError` for an empty task or bad run options.
   */
  async run(task: string, options: BrowsingRunOptions = {}): Promise<BrowserTaskResult> {
    const runOptions = checkObject(options, 'BrowsingBot.run options');
    checkKnownKeys(runOptions, 'BrowsingBot.run options', RUN_KEYS);
    return runBrowserTask(task, { ...this.options, ...definedOnly(options) });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as Partial<T>;
}
