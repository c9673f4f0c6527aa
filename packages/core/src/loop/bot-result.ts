import type { ErrorKind } from '@bots/auth';
import type { ChatUsage } from '@bots/providers';

/** How a run ended. */
export type RunStatus = 'success' | 'failed' | 'aborted' | 'timeout';

/** What one step did: ran a command, called a tool, answered, or broke the reply format. */
export type StepKind = 'command' | 'tool' | 'answer' | 'format-error';

/**
 * One model call of a run and what followed it. All text is capped and redacted.
 */
export interface Step {
  /** Position of the step in its run, from 0. */
  index: number;
  /** 0 for the bot's own steps; 1 for steps of a sub-bot an `AgentBoss` delegated to. */
  depth: number;
  /** What the step did. */
  kind: StepKind;
  /** The model's reasoning (the answer, for an `answer` step). */
  thoughts: string;
  /** The command (or tool call) that ran; empty for `answer` and `format-error` steps. */
  command: string;
  /** Exit code of the command or tool (124 when it was killed at its timeout). */
  exitCode?: number;
  /** The output as the model received it: capped (head and tail kept) and redacted. */
  output?: string;
  /** True when the command was killed at its timeout. */
  timedOut?: boolean;
  /** True when the output was cut, by the sandbox or by the loop. */
  truncated?: boolean;
  /** For a `tool` step: the tool's name. */
  tool?: string;
  /** For a `format-error` step: what was wrong with the reply (the model was told). */
  problem?: string;
  /** For a `format-error` step: the raw reply, capped and redacted. */
  reply?: string;
  /** Wall time of the model call, in milliseconds. */
  modelDurationMs: number;
  /** Wall time of the command or tool, in milliseconds (absent when nothing ran). */
  commandDurationMs?: number;
  /** Token counts of the model call, when the provider reported them. */
  usage?: ChatUsage;
  /** For a tool that ran its own loop (a delegation): the sub-run's steps. */
  subSteps?: readonly Step[];
}

/** A failure, as plain data (no stack, no secrets). */
export interface BotError {
  /** The error class, e.g. `ModelFormatError`, `MaxIterationsError`, `RunTimeoutError`. */
  name: string;
  /**
   * What failed: `configuration`, `authentication`, `model`, `sandbox`, `limit` or `aborted`
   * (see `ErrorKind` of `@bots/auth`); exit codes and retries go by it rather than by `name`.
   */
  kind: ErrorKind;
  /** A whole sentence that says what happened and, where it can, what to change. */
  message: string;
  /**
   * Set when the error says whether the same run may succeed later: `true` for a model
   * endpoint that was overloaded or unreachable (429, 5xx, a dropped connection, after the
   * request's own retries), `false` for a request it will refuse again (400, 401, 404).
   */
  retryable?: boolean;
}

/** What a run returns. `run()` does not throw for model or sandbox failures: they are here. */
export interface BotResult {
  /** `success` when the model answered; otherwise why it stopped. */
  status: RunStatus;
  /** The answer (the `thoughts` of the final reply) when `status` is `success`. */
  result: string | undefined;
  /** Why the run did not succeed; `undefined` on success. */
  error: BotError | undefined;
  /** Every step, in order. */
  steps: Step[];
  /** Model calls made by this run (its own; a delegation's calls are in its sub-steps). */
  iterations: number;
  /** Token counts summed over the run's model calls (sub-runs included). */
  usage: ChatUsage;
  /** Wall time of the run, in milliseconds. */
  durationMs: number;
}
