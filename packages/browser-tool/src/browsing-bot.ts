import type { TokenProviderLike } from '@bots/auth';
import type { Step } from '@bots/core';
import {
  type BrowserTaskOptions,
  type BrowserTaskResult,
  runBrowserTask,
} from './run-browser-task.js';

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
  /** Other output lines (image build, browser start), redacted. Overrides the bot's. */
  onProgress?: (line: string) => void;
}

/**
 * A bot that does tasks in a web browser: Chromium in a container of the browser image (or on
 * this host with `runner: 'local'`), driven by a model that chooses one action at a time.
 * `run()` returns the `BotResult` shape of the other bots.
 *
 * ```ts
 * const bot = new BrowsingBot({ model: 'azure-openai/gpt-4o' }); // AZURE_AUTH_METHOD=azure_ad
 * const { status, result } = await bot.run('What is the title of http://127.0.0.1:8080/?');
 * ```
 */
export class BrowsingBot {
  readonly options: BrowsingBotOptions;

  constructor(options: BrowsingBotOptions = {}) {
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

  /** Does one task. Never throws for model, browser or container failures. */
  run(task: string, options: BrowsingRunOptions = {}): Promise<BrowserTaskResult> {
    return runBrowserTask(task, { ...this.options, ...definedOnly(options) });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as Partial<T>;
}
