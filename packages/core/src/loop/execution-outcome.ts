import type { Step } from './bot-result.js';

/** What running one command or one tool call gave, before the loop caps and redacts it. */
export interface ExecutionOutcome {
  /** Exit code (124 when it was killed at its timeout). */
  exitCode: number;
  /** The output as it came. */
  output: string;
  /** True when it was killed at its timeout. */
  timedOut: boolean;
  /** True when the sandbox cut the output already. */
  truncated: boolean;
  /** Wall time, in milliseconds. */
  durationMs: number;
  /** Steps of a nested run (a delegation). */
  subSteps?: readonly Step[];
}
