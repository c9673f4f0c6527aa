import { errorKindOf, redact } from '@bots/auth';
import type { BotResult, MicroBot } from '@bots/core';
import { type BatchCounts, progressLine } from './batch-progress.js';
import type { BatchTask } from './batch-task.js';
import type { ResultsWriter } from './results-file.js';

/** What {@link runBatch} needs. */
export interface RunBatchOptions {
  /** The tasks to run, in order (those already recorded left out). */
  tasks: readonly BatchTask[];
  /** At most this many tasks (so sandboxes) at once. */
  concurrency: number;
  /** Tasks skipped because the results file already had them (for the progress line). */
  skipped: number;
  /** Makes the bot of a task (its sandbox starts when it runs, and goes with `dispose`). */
  createBot(task: BatchTask): MicroBot;
  /** The run options of every task (limits), without the signal. */
  runOptions: Omit<NonNullable<Parameters<MicroBot['run']>[1]>, 'signal'>;
  results: ResultsWriter;
  /** Aborted on Ctrl-C: no task is started after it, the running ones stop and are not recorded. */
  signal: AbortSignal;
  /** Progress lines (stderr). */
  progress(line: string): void;
  /** How often the progress line is printed while nothing finishes (default 10 s). */
  progressIntervalMs?: number;
  now?: () => number;
}

/** How a batch run ended. */
export interface BatchSummary extends BatchCounts {
  /** Ids that were running when the batch was interrupted: not recorded, they run again next time. */
  interrupted: string[];
  elapsedMs: number;
}

/**
 * Runs the tasks, `concurrency` at a time, recording each result as one line as soon as it is
 * known (a task is recorded once it finished, successfully or not, and only then). Interrupted
 * by `signal`: nothing new starts, the running bots are stopped and their sandboxes removed, and
 * their tasks are not recorded, so a rerun does them. Never throws for a task's failure.
 */
export async function runBatch(options: RunBatchOptions): Promise<BatchSummary> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const queue = [...options.tasks];
  const counts: BatchCounts = {
    done: 0,
    failed: 0,
    running: 0,
    left: queue.length,
    skipped: options.skipped,
  };
  const interrupted: string[] = [];
  const line = () => progressLine(counts, now() - started);
  options.progress(line());
  const timer = setInterval(() => options.progress(line()), options.progressIntervalMs ?? 10_000);
  timer.unref();

  const runOne = async (task: BatchTask): Promise<void> => {
    let bot: MicroBot | undefined;
    let result: BotResult;
    try {
      bot = options.createBot(task);
      result = await bot.run(task.task, { ...options.runOptions, signal: options.signal });
    } catch (error) {
      result = failure(error);
    } finally {
      await bot?.dispose().catch(() => undefined);
    }
    counts.running -= 1;
    if (options.signal.aborted) {
      interrupted.push(task.id);
      return;
    }
    options.results.record(task.id, task.bot, result);
    if (result.status === 'success') counts.done += 1;
    else counts.failed += 1;
    const outcome =
      result.status === 'success'
        ? `ok ${task.id} (${result.steps.length} steps, ${(result.durationMs / 1000).toFixed(1)} s)`
        : `!! ${task.id}: ${result.status}${result.error ? `: ${result.error.message}` : ''}`;
    options.progress(`${outcome}\n${line()}`);
  };

  const lane = async (): Promise<void> => {
    for (;;) {
      if (options.signal.aborted) return;
      const task = queue.shift();
      if (task === undefined) return;
      counts.left -= 1;
      counts.running += 1;
      await runOne(task);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, lane));
  } finally {
    clearInterval(timer);
  }
  return { ...counts, interrupted, elapsedMs: now() - started };
}

/** A task whose bot could not even be made or run: recorded as failed, with the reason. */
function failure(error: unknown): BotResult {
  const message = redact(error instanceof Error ? error.message : String(error));
  return {
    status: 'failed',
    result: undefined,
    error: {
      name: error instanceof Error ? error.name : 'Error',
      kind: errorKindOf(error),
      message,
    },
    steps: [],
    iterations: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    durationMs: 0,
  };
}
