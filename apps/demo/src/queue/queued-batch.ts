import { type BatchCounts, progressLine } from '../batch/batch-progress.js';
import type { BatchTask } from '../batch/batch-task.js';
import type { ResultsWriter } from '../batch/results-file.js';
import { loadBullMq } from './load-bullmq.js';
import type { QueueAddress } from './queue-address.js';
import {
  JOB_ATTEMPTS,
  jobIdOf,
  RETRY_DELAY_MS,
  type TaskJobData,
  type TaskLimits,
} from './task-job.js';

/** What {@link runQueuedBatch} needs. */
export interface QueuedBatchOptions {
  address: QueueAddress;
  queueName: string;
  tasks: readonly BatchTask[];
  /** The batch's `--model`, for the tasks without a model of their own (else the worker's). */
  model: string | undefined;
  limits: TaskLimits;
  skipped: number;
  results: ResultsWriter;
  signal: AbortSignal;
  progress(line: string): void;
  /** How often the queue is read (default 500 ms) and the progress line printed (10 s). */
  pollMs?: number;
  progressIntervalMs?: number;
}

/** How a queued batch ended. */
export interface QueuedBatchSummary extends BatchCounts {
  /** Whether it stopped waiting because of the signal (the jobs stay in the queue). */
  interrupted: boolean;
}

/**
 * Puts each task on the queue as a job whose id is the task's (adding one that is already there
 * adds nothing, so a rerun never doubles a task), then waits for the workers: each result is
 * recorded once, when its job completes (or fails for good after its attempts), so every task is
 * recorded exactly once. Interrupted, it stops waiting; the jobs stay queued for the workers and a
 * rerun collects their results.
 */
export async function runQueuedBatch(options: QueuedBatchOptions): Promise<QueuedBatchSummary> {
  const { Queue, Job } = await loadBullMq();
  const queue = new Queue<TaskJobData>(options.queueName, {
    connection: { url: options.address.url, maxRetriesPerRequest: null },
  });
  const started = performance.now();
  const counts: BatchCounts = {
    done: 0,
    failed: 0,
    running: 0,
    left: options.tasks.length,
    skipped: options.skipped,
  };
  const line = () => progressLine(counts, performance.now() - started);
  try {
    await queue.addBulk(
      options.tasks.map((task) => ({
        name: task.bot,
        data: {
          id: task.id,
          bot: task.bot,
          path: task.path,
          task: task.task,
          model: task.model ?? options.model,
          limits: options.limits,
        },
        opts: {
          jobId: jobIdOf(task.id),
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'exponential', delay: RETRY_DELAY_MS },
        },
      })),
    );
    options.progress(
      `queued ${options.tasks.length} tasks on ${options.address.shown} (queue ${options.queueName}); waiting for workers (bots worker --queue ...)`,
    );
    options.progress(line());
    const pending = new Map(options.tasks.map((task) => [jobIdOf(task.id), task]));
    let lastProgress = performance.now();
    while (pending.size > 0 && !options.signal.aborted) {
      let running = 0;
      for (const [jobId, task] of pending) {
        const job = await Job.fromId<TaskJobData>(queue, jobId);
        if (job === undefined) continue;
        const state = await job.getState();
        if (state === 'active') running += 1;
        if (state === 'completed') {
          options.results.record(task.id, task.bot, job.returnvalue as object);
          const status = (job.returnvalue as { status?: string } | undefined)?.status;
          if (status === 'success') counts.done += 1;
          else counts.failed += 1;
          pending.delete(jobId);
          options.progress(
            `${status === 'success' ? 'ok' : '!!'} ${task.id} (${status ?? 'no result'})\n${line()}`,
          );
        } else if (state === 'failed') {
          options.results.record(task.id, task.bot, {
            status: 'failed',
            result: undefined,
            error: {
              name: 'QueueJobFailed',
              kind: 'model',
              message: `The task failed on every one of its ${job.attemptsMade} attempts; the last: ${job.failedReason}`,
            },
            steps: [],
            iterations: 0,
            usage: { inputTokens: 0, outputTokens: 0 },
            durationMs: 0,
          });
          counts.failed += 1;
          pending.delete(jobId);
          options.progress(`!! ${task.id}: ${job.failedReason}\n${line()}`);
        }
      }
      counts.running = running;
      counts.left = pending.size - running;
      if (performance.now() - lastProgress > (options.progressIntervalMs ?? 10_000)) {
        options.progress(line());
        lastProgress = performance.now();
      }
      if (pending.size > 0) await sleep(options.pollMs ?? 500, options.signal);
    }
    return { ...counts, interrupted: options.signal.aborted };
  } finally {
    await queue.close();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
