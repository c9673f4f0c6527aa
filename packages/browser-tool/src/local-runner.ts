import { type ChatModel, createChatModel, parseModel } from '@bots/providers';
import {
  type BrowserTaskOptions,
  type Env,
  pick,
  type RunExit,
  type RunState,
} from './browser-task-options.js';
import { resolveCredentials, resolveModelString } from './credentials.js';
import type { OutputCollector } from './output-collector.js';

/** Runs the agent in this process with the host's Chromium (no container). */
export async function runLocally(
  task: string,
  options: BrowserTaskOptions,
  env: Env,
  signal: AbortSignal,
  collector: OutputCollector,
  base: RunState,
  started: number,
): Promise<RunExit> {
  let model: ChatModel;
  if (options.model !== undefined && typeof options.model !== 'string') {
    model = options.model;
  } else {
    const modelString = resolveModelString(options, env);
    const credentials =
      parseModel(modelString).provider === 'azure-openai'
        ? await resolveCredentials(options, env)
        : undefined;
    base.auth = credentials?.auth ?? 'key';
    model = await createChatModel(modelString, {
      env,
      ...(credentials?.tokenProvider ? { tokenProvider: credentials.tokenProvider } : {}),
    });
  }
  const { runBrowserAgent } = await import('./agent/browser-agent.js');
  base.timings.startedMs = Date.now() - started;
  const outcome = await runBrowserAgent({
    task,
    model,
    emit: (line) => collector.line(line),
    executablePath: options.executablePath ?? pick(env, 'CHROMIUM_PATH') ?? '/usr/bin/chromium',
    // No container around the browser here: keep Chromium's own sandbox (it refuses root).
    chromiumSandbox: options.chromiumSandbox ?? process.getuid?.() !== 0,
    signal,
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
  });
  return { code: outcome.status === 'success' ? 0 : 1 };
}
