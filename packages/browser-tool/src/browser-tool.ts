import { checkObject, checkString } from '@bots/auth';
import { type BotTool, type ToolContext, type ToolResult, unquote } from '@bots/core';
import { BROWSER_TASK_OPTION_KEYS, checkBrowserTaskOptions } from './browser-task-options.js';
import { type BrowserTaskOptions, runBrowserTask } from './run-browser-task.js';

/** Options of {@link browserTool}. */
export type BrowserToolOptions = Omit<BrowserTaskOptions, 'signal' | 'onStep'> & {
  /** The command word (default `browse`). */
  name?: string;
};

/**
 * The browser as a tool of a `MicroBot` (or any bot of `@bots/core`): the model writes
 * `browse "<task>"`, a browser agent does the task, and its answer comes back as the command's
 * output (exit code 0), or why it failed (exit code 1). The calling bot's token provider is used
 * when the tool has none of its own, and the run's signal stops the browser.
 *
 * The task comes from the model, so the host rule comes from you: pages reach only what
 * `allowHosts` names (never hosts the model writes into the task).
 *
 * ```ts
 * const bot = new MicroBot({
 *   model: 'azure-openai/gpt-4o',
 *   tools: [browserTool({ allowHosts: ['127.0.0.1:8080'] })],
 * });
 * ```
 */
export function browserTool(options: BrowserToolOptions = {}): BotTool {
  const given = checkObject(options, 'browserTool options');
  if (given['name'] !== undefined)
    checkString(given['name'], 'browserTool options.name', { nonEmpty: true });
  const { name = 'browse', ...taskOptions } = options;
  checkBrowserTaskOptions(
    taskOptions,
    'browserTool options',
    BROWSER_TASK_OPTION_KEYS.filter((key) => key !== 'signal' && key !== 'onStep'),
  );
  return {
    name,
    usage: `${name} "<task for a web browser>"`,
    description:
      'Does a task in a headless web browser (open pages, click, fill forms, read) and returns the answer. Give the whole task, with the URL to start from.',
    ...(taskOptions.timeoutMs === undefined ? {} : { timeoutMs: taskOptions.timeoutMs + 30_000 }),
    async invoke(input: string, context: ToolContext): Promise<ToolResult> {
      const task = unquote(input);
      if (!task) return { output: `Usage: ${name} "<task>"`, exitCode: 2 };
      const result = await runBrowserTask(task, {
        ...taskOptions,
        ...(taskOptions.tokenProvider || !context.tokenProvider
          ? {}
          : { tokenProvider: context.tokenProvider }),
        signal: context.signal,
      });
      if (result.status === 'success') return { output: result.result ?? '', steps: result.steps };
      return {
        output: `The browser task ended with status ${result.status}: ${result.error?.name}: ${result.error?.message}`,
        exitCode: 1,
        steps: result.steps,
      };
    },
  };
}
