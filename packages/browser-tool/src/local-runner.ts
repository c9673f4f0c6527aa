import type { RunExit } from './browser-task-options.js';
import type { RunContext } from './run-context.js';
import { localChromiumPath } from './runner-choice.js';

/**
 * Runs the agent in this process with the host's Chromium (no container). Its browser goes
 * through a network guard of its own that enforces the same host rule as the docker runner's.
 */
export async function runLocally(context: RunContext): Promise<RunExit> {
  const { options, collector, state } = context;
  const { runBrowserAgent } = await import('./agent/browser-agent.js');
  await context.model.preflight();
  state.timings.startedMs = Date.now() - context.started;
  const outcome = await runBrowserAgent({
    task: context.task,
    model: context.model.model,
    emit: (line) => collector.line(line),
    executablePath: localChromiumPath({ ...options, env: context.env }),
    // No container around the browser here: keep Chromium's own sandbox (it refuses root).
    chromiumSandbox: options.chromiumSandbox ?? process.getuid?.() !== 0,
    signal: context.signal,
    allowHosts: context.rule.entries.map((entry) => entry.text),
    onRefused: (refused) => collector.record(refused),
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
  });
  return { code: outcome.status === 'success' ? 0 : 1 };
}
