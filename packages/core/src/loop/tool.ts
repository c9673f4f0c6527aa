import type { TokenProvider } from '@bots/auth';
import type { ChatModel } from '@bots/providers';
import type { Environment } from '../environment.js';
import type { Step } from './bot-result.js';
import type { IterationBudget } from './iteration-budget.js';

/**
 * Something a bot can call from the loop besides shell commands. When the model's `command`
 * starts with the tool's name (as its first word), the loop calls `invoke` with the rest of the
 * command instead of running it in the sandbox, and sends the result back like command output.
 */
export interface BotTool {
  /** The command word that calls the tool, e.g. `delegate`. Lowercase letters, digits, `-`, `_`. */
  readonly name: string;
  /** What the tool does and how to call it, shown to the model in the system prompt. */
  readonly description: string;
  /** One usage line shown to the model, e.g. `delegate "<sub-task>"`. Default: the name. */
  readonly usage?: string;
  /**
   * Kill the call after this many milliseconds (reported as exit code 124). Default: no limit
   * but the run's own timeout; the run's `commandTimeoutMs` does not apply to tools.
   */
  readonly timeoutMs?: number;
  /**
   * Runs the tool. `input` is the command after the tool's name, trimmed (see `unquote`). Resolve
   * with the output (exit code 0) or a `ToolResult`; a rejection is reported to the model as exit
   * code 1 with the error's message, and the loop goes on.
   */
  invoke(input: string, context: ToolContext): Promise<ToolResult | string>;
}

/** What a tool gets from the loop. */
export interface ToolContext {
  /** Aborted when the run is aborted or times out (or at the tool's `timeoutMs`). */
  signal: AbortSignal;
  /** The run's sandbox. */
  environment: Environment;
  /** The run's chat model. */
  model: ChatModel;
  /** The run's iteration budget; pass it on to share it. */
  budget: IterationBudget;
  /** The run's per-command timeout, in milliseconds. */
  commandTimeoutMs: number;
  /** The bot's token provider, if it has one. */
  tokenProvider: TokenProvider | undefined;
  /** Depth of the calling run (0 for a top-level bot). */
  depth: number;
  /** Reports a step of a nested run to the caller's `onStep`. */
  onStep: (step: Step) => void;
  /**
   * The run records prompts, replies and commands in its trace spans (the run option
   * `traceContent`); a tool that runs a sub-bot passes it on.
   */
  traceContent?: boolean;
}

/** What a tool call did. */
export interface ToolResult {
  /** Text sent back to the model (capped and redacted by the loop). */
  output: string;
  /** Exit code shown to the model; default 0. */
  exitCode?: number;
  /** Steps of a nested run, kept in the step's `subSteps`. */
  steps?: readonly Step[];
}

/** Removes one pair of quotes around the whole input: `"find x"` -> `find x`. */
export function unquote(input: string): string {
  const trimmed = input.trim();
  if (trimmed.length >= 2) {
    const first = trimmed[0];
    const last = trimmed[trimmed.length - 1];
    if ((first === '"' || first === "'") && first === last) {
      const inner = trimmed.slice(1, -1);
      return first === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
    }
  }
  return trimmed;
}
