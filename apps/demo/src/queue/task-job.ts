import type { BotResult } from '@bots/core';
import { type BatchTask, isTask, parseTaskLine } from '../batch/batch-task.js';

/** The run limits a batch gives every task. */
export interface TaskLimits {
  timeoutMs: number;
  maxIterations?: number;
  commandTimeoutMs?: number;
}

/** What a queued task's job holds: the task (absolute path) and the batch's limits. */
export interface TaskJobData {
  id: string;
  bot: BatchTask['bot'];
  path: string | undefined;
  task: string;
  model: string | undefined;
  limits: TaskLimits;
}

/** A task's job id: BullMQ refuses integer-like ids and `:`, so the id is prefixed and encoded. */
export function jobIdOf(taskId: string): string {
  return `task-${encodeURIComponent(taskId)}`;
}

/** How often a job is tried, and the wait before a retry (doubled each time). */
export const JOB_ATTEMPTS = 3;
export const RETRY_DELAY_MS = 2_000;

/**
 * Checks a job's data as it comes off the queue (anything could have put it there), with the
 * same checks as a line of a tasks file. Returns the task or why it cannot run.
 */
export function checkJobData(data: unknown): TaskJobData | string {
  if (typeof data !== 'object' || data === null) return 'the job holds no task';
  const { id, bot, path, task, model, limits } = data as Record<string, unknown>;
  const line = JSON.stringify({
    id,
    bot,
    ...(typeof path === 'string' ? { [bot === 'logs' ? 'file' : 'folder']: path } : {}),
    task,
    ...(model !== undefined ? { model } : {}),
  });
  const parsed = parseTaskLine(line, 0, '/');
  if (!isTask(parsed)) return parsed.reason;
  const { timeoutMs, maxIterations, commandTimeoutMs } = (limits ?? {}) as Record<string, unknown>;
  const positive = (value: unknown) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
  if (!positive(timeoutMs)) return 'the job has no valid limits.timeoutMs';
  if (maxIterations !== undefined && !positive(maxIterations))
    return 'limits.maxIterations is not a positive integer';
  if (commandTimeoutMs !== undefined && !positive(commandTimeoutMs))
    return 'limits.commandTimeoutMs is not a positive integer';
  return {
    id: parsed.id,
    bot: parsed.bot,
    path: parsed.path,
    task: parsed.task,
    model: parsed.model,
    limits: {
      timeoutMs: timeoutMs as number,
      ...(maxIterations !== undefined ? { maxIterations: maxIterations as number } : {}),
      ...(commandTimeoutMs !== undefined ? { commandTimeoutMs: commandTimeoutMs as number } : {}),
    },
  };
}

/**
 * Whether a run failed for a reason that may pass, so that the job is tried again (with backoff):
 * the model endpoint overloaded or unreachable after the request's own retries (429, 5xx, a
 * dropped connection: the error says `retryable`), or the sandbox failing (it did not start, its
 * engine went away). Everything else (a refused request, the model breaking the reply format, a
 * limit) is the task's result.
 */
export function isTransientFailure(result: BotResult): boolean {
  if (result.status === 'success' || result.error === undefined) return false;
  return result.error.retryable === true || result.error.kind === 'sandbox';
}
