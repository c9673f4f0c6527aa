import { ConfigurationError, redact } from '@bots/auth';
import type { BotResult } from '@bots/core';
import { parseFinalResult } from './agent-output.js';
import {
  type BrowserTaskOptions,
  type BrowserTaskResult,
  type Env,
  errorOf,
} from './browser-task-options.js';
import { runInDocker } from './docker-runner.js';
import { runLocally } from './local-runner.js';
import { OutputCollector } from './output-collector.js';

export type {
  BrowserRunner,
  BrowserTaskOptions,
  BrowserTaskResult,
} from './browser-task-options.js';

/**
 * Runs one browser task and returns the same result shape as the bots of `@bots/core`. Never
 * throws for configuration, model, browser or container failures (they are in the result);
 * rejects only for invalid arguments (an empty task, an unknown runner).
 *
 * Docker runner: the token provider is called right before the container starts and its token
 * injected as `AZURE_OPENAI_AD_TOKEN`; the container asks the host's token channel (loopback,
 * random port, per-run secret) for a fresh token before it expires or after a 401. The container
 * is removed on every path (success, failure, abort, timeout, process exit and signals).
 */
export async function runBrowserTask(
  task: string,
  options: BrowserTaskOptions = {},
): Promise<BrowserTaskResult> {
  if (typeof task !== 'string' || task.trim() === '')
    throw new ConfigurationError('The browser task is empty: say what to do in the browser.');
  const runner = options.runner ?? 'docker';
  if (runner !== 'docker' && runner !== 'local')
    throw new ConfigurationError(`Unknown runner "${String(runner)}": use "docker" or "local".`);
  const started = Date.now();
  const env: Env = options.env ?? process.env;
  const collector = new OutputCollector(started, options);
  const controller = new AbortController();
  let why: 'timeout' | 'aborted' | undefined;
  const onUserAbort = () => {
    why ??= 'aborted';
    controller.abort(options.signal?.reason);
  };
  if (options.signal?.aborted) onUserAbort();
  else options.signal?.addEventListener('abort', onUserAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          why ??= 'timeout';
          controller.abort(new Error('timeout'));
        }, options.timeoutMs);
  const base = {
    runner,
    timings: {} as BrowserTaskResult['timings'],
    auth: 'token' as 'token' | 'key',
    tokenRefreshes: 0,
  };
  const finish = (outcome: {
    status: BotResult['status'];
    result?: string;
    error?: BotResult['error'];
  }): BrowserTaskResult => ({
    status: outcome.status,
    result: outcome.result === undefined ? undefined : redact(outcome.result),
    error: outcome.error,
    steps: collector.steps,
    iterations: collector.iterations,
    usage: collector.usage,
    durationMs: Date.now() - started,
    ...base,
    timings: {
      ...base.timings,
      ...(collector.firstPageMs === undefined ? {} : { firstPageMs: collector.firstPageMs }),
    },
  });
  const interrupted = () =>
    why === 'timeout'
      ? finish({
          status: 'timeout',
          error: errorOf(
            'RunTimeoutError',
            `The browser task did not finish within ${options.timeoutMs} ms.`,
          ),
        })
      : finish({
          status: 'aborted',
          error: errorOf('RunAbortedError', 'The browser task was aborted.'),
        });
  try {
    if (controller.signal.aborted) return interrupted();
    const run = runner === 'docker' ? runInDocker : runLocally;
    const exit = await run(task, options, env, controller.signal, collector, base, started);
    if (why) return interrupted();
    const output = collector.lines.join('\n');
    const answer = parseFinalResult(output);
    if (exit.code === 0 && answer !== undefined)
      return finish({ status: 'success', result: answer });
    return finish({
      status: 'failed',
      error:
        collector.finalError ??
        errorOf(
          'BrowserAgentError',
          `The browser agent ended with exit code ${exit.code} without a "Final Result:" line.${exit.detail ? ` ${exit.detail}` : ''}`,
        ),
    });
  } catch (error) {
    if (why) return interrupted();
    // Like the bots of @bots/core: a configuration problem found when the run starts (no
    // credential, no endpoint, a model the runner cannot use) is a failed run with a
    // ConfigurationError that says what to set; only invalid arguments reject.
    const name = error instanceof Error && error.name !== 'Error' ? error.name : 'BrowserTaskError';
    return finish({
      status: 'failed',
      error: errorOf(name, error instanceof Error ? error.message : String(error)),
    });
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onUserAbort);
  }
}
