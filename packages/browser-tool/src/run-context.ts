import type { BrowserModel } from './browser-model.js';
import type { BrowserTaskOptions, Env, RunState } from './browser-task-options.js';
import type { HostRule } from './host-rule.js';
import type { OutputCollector } from './output-collector.js';

/** What a runner gets for one run. */
export interface RunContext {
  task: string;
  options: BrowserTaskOptions;
  env: Env;
  /** The host rule, parsed from `allowHosts`. */
  rule: HostRule;
  /** The run's model, made on this host. */
  model: BrowserModel;
  /** Aborted on timeout, on the caller's abort, or when the run ends. */
  signal: AbortSignal;
  collector: OutputCollector;
  state: RunState;
  started: number;
}
