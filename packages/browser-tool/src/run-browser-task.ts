import { ConfigurationError, errorKindOf, redact, redactForModel } from '@bots/auth';
import type { BotResult } from '@bots/core';
import { parseFinalResult } from './agent-output.js';
import { BrowserError } from './browser-error.js';
import { prepareBrowserModel } from './browser-model.js';
import {
  type BrowserRunner,
  type BrowserTaskOptions,
  type BrowserTaskResult,
  checkBrowserTaskOptions,
  type Env,
  errorOf,
  type RunState,
} from './browser-task-options.js';
import { runInDocker } from './docker-runner.js';
import { runLocally } from './local-runner.js';
import { OutputCollector } from './output-collector.js';
import { chooseBrowserRunner } from './runner-choice.js';

export type {
  BrowserRunner,
  BrowserRunnerChoice,
  BrowserTaskOptions,
  BrowserTaskResult,
} from './browser-task-options.js';

/**
 * Runs one browser task and returns the same result shape as the bots of `@bots/core`. Never
 * throws for configuration found when the run starts, model, browser or container failures (they
 * are in the result); rejects with a `ConfigurationError` only for invalid arguments (an empty
 * task, an option of the wrong type or value, a bad `allowHosts` entry), before anything starts.
 *
 * The runner is the browser image in Docker when an engine answers, else this host's Chromium
 * (`runner: 'auto'`); the first progress line says which and why. Either way this process makes
 * the model calls (the container gets no token and no key) and every request of the browser goes
 * through a network guard that enforces the host rule of `allowHosts`. The container has no
 * network and is removed on every path (success, failure, abort, timeout, process exit, signals).
 */
export async function runBrowserTask(
  task: string,
  options: BrowserTaskOptions = {},
): Promise<BrowserTaskResult> {
  if (typeof task !== 'string' || task.trim() === '')
    throw new ConfigurationError('The browser task is empty: say what to do in the browser.');
  const { rule } = checkBrowserTaskOptions(options, 'runBrowserTask options');
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
  let runner: BrowserRunner = options.runner === 'docker' ? 'docker' : 'local';
  let runnerReason = '';
  const state: RunState = { timings: {}, auth: 'none', tokenRefreshes: 0 };
  let tokenRefreshes = () => 0;
  const finish = (outcome: {
    status: BotResult['status'];
    result?: string;
    error?: BotResult['error'];
  }): BrowserTaskResult => ({
    status: outcome.status,
    result: outcome.result === undefined ? undefined : redactForModel(outcome.result),
    error: outcome.error,
    steps: collector.steps,
    iterations: collector.iterations,
    usage: collector.usage,
    durationMs: Date.now() - started,
    runner,
    runnerReason,
    auth: state.auth,
    tokenRefreshes: tokenRefreshes(),
    refusedRequests: [...collector.refused],
    timings: {
      ...state.timings,
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
    const choice = await chooseBrowserRunner({
      env,
      ...(options.runner ? { runner: options.runner } : {}),
      ...(options.docker ? { docker: options.docker } : {}),
      ...(options.executablePath ? { executablePath: options.executablePath } : {}),
    });
    runner = choice.runner;
    runnerReason = choice.reason;
    collector.line(`Browser runner: ${choice.reason}`);
    const model = await prepareBrowserModel(options, env);
    state.auth = model.auth;
    tokenRefreshes = () => model.tokenRefreshes;
    if (controller.signal.aborted) return interrupted();
    const run = runner === 'docker' ? runInDocker : runLocally;
    const exit = await run({
      task,
      options,
      env,
      rule,
      model,
      signal: controller.signal,
      collector,
      state,
      started,
    });
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
          BrowserError.name,
          `The browser agent ended with exit code ${exit.code} without a "Final Result:" line.${exit.detail ? ` ${exit.detail}` : ''}`,
        ),
    });
  } catch (error) {
    if (why) return interrupted();
    // Like the bots of @bots/core: a configuration problem found when the run starts (no
    // credential, no endpoint, no browser to run) is a failed run with a ConfigurationError that
    // says what to set; only invalid arguments reject.
    const name = error instanceof Error && error.name !== 'Error' ? error.name : BrowserError.name;
    if (!runnerReason && errorKindOf(error) === 'configuration')
      runnerReason = error instanceof Error ? redact(error.message) : '';
    return finish({
      status: 'failed',
      error: errorOf(name, error instanceof Error ? error.message : String(error)),
    });
  } finally {
    if (timer) clearTimeout(timer);
    controller.abort(new Error('The browser task ended.'));
    options.signal?.removeEventListener('abort', onUserAbort);
  }
}
