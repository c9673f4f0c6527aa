import type { BotResult } from '@bots/core';
import { DockerEnvironment, LocalEnvironment } from '@bots/core';
import type { ChatModel } from '@bots/providers';
import { botForTask } from '../batch/bot-for-task.js';
import { loadBullMq } from './load-bullmq.js';
import type { QueueAddress } from './queue-address.js';
import { checkJobData, isTransientFailure, type TaskJobData } from './task-job.js';

/** What {@link runTaskWorker} needs. */
export interface TaskWorkerOptions {
  address: QueueAddress;
  queueName: string;
  concurrency: number;
  /** The model of a job that names none; made once per model string. */
  modelFor(model: string | undefined): Promise<ChatModel>;
  environment: 'docker' | 'local';
  env: NodeJS.ProcessEnv;
  /**
   * How long a job's lock lives without renewal (ms): a worker that dies mid-task lets its job go
   * after this, and another worker takes it up (BullMQ's stalled-job check runs as often).
   */
  stallTimeoutMs: number;
  /** Stops the worker: running bots are stopped, their jobs left for another worker. */
  signal: AbortSignal;
  progress(line: string): void;
}

/** Thrown for a transient failure, so that BullMQ tries the job again after its backoff. */
class TransientTaskFailure extends Error {
  override name = 'TransientTaskFailure';
}

/**
 * Takes tasks off the queue, `concurrency` at a time, and runs each with its bot in its own
 * sandbox; resolves when `signal` aborts and the worker has closed. A run's result is the job's
 * return value; a transient failure (see `isTransientFailure`) throws, so the job is retried with
 * backoff; a worker that dies mid-task leaves its job active until its lock expires, then
 * another worker's stalled-job check puts it back (twice at most). Sandboxes that dead processes
 * of this host left are removed at start and at every stall check.
 */
export async function runTaskWorker(options: TaskWorkerOptions): Promise<{ processed: number }> {
  const { Worker } = await loadBullMq();
  const sweep = () =>
    (options.environment === 'docker'
      ? DockerEnvironment.removeStale()
      : LocalEnvironment.removeStale()
    ).catch(() => []);
  await sweep();
  let processed = 0;
  const stopping = new AbortController();
  const worker = new Worker<TaskJobData, BotResult>(
    options.queueName,
    async (job) => {
      const data = checkJobData(job.data);
      if (typeof data === 'string') throw new Error(`job ${job.id} cannot run: ${data}`);
      const model = await options.modelFor(data.model);
      const bot = botForTask(data, { model, environment: options.environment, env: options.env });
      options.progress(`worker: ${data.id}: started (attempt ${job.attemptsStarted})`);
      let result: BotResult;
      try {
        result = await bot.run(data.task, { ...data.limits, signal: stopping.signal });
      } finally {
        await bot.dispose().catch(() => undefined);
      }
      if (stopping.signal.aborted) {
        // Left for another worker: never recorded half-way.
        await new Promise(() => undefined);
      }
      if (isTransientFailure(result)) {
        options.progress(`worker: ${data.id}: ${result.error?.name}: will be retried`);
        throw new TransientTaskFailure(result.error?.message ?? 'transient failure');
      }
      processed += 1;
      options.progress(
        `worker: ${data.id}: ${result.status} (${(result.durationMs / 1000).toFixed(1)} s)`,
      );
      return result;
    },
    {
      connection: { url: options.address.url, maxRetriesPerRequest: null },
      concurrency: options.concurrency,
      lockDuration: options.stallTimeoutMs,
      stalledInterval: options.stallTimeoutMs,
      maxStalledCount: 2,
      removeOnComplete: { count: 10_000 },
      removeOnFail: { count: 10_000 },
    },
  );
  worker.on('error', (error) => options.progress(`worker: queue error: ${error.message}`));
  const sweeper = setInterval(() => void sweep(), options.stallTimeoutMs);
  sweeper.unref();
  options.progress(
    `worker: taking tasks from ${options.address.shown} (queue ${options.queueName}), ${options.concurrency} at a time`,
  );
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  stopping.abort(options.signal.reason);
  clearInterval(sweeper);
  await worker.close(true);
  await sweep();
  return { processed };
}
