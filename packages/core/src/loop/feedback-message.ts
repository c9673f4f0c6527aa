import type { Step } from './bot-result.js';
import { formatDuration } from './format-duration.js';
import type { BotTool } from './tool.js';

/**
 * What the model reads after a command or tool call: `Exit code: N` and `Output:` with the
 * (capped, redacted) output, after a sentence on the timeout when it was killed at one.
 */
export function feedbackMessage(
  step: Step,
  tool: BotTool | undefined,
  commandTimeoutMs: number,
): string {
  const lines: string[] = [];
  if (step.timedOut) {
    const limit = tool ? (tool.timeoutMs ?? 0) : commandTimeoutMs;
    lines.push(
      `The ${tool ? 'tool call' : 'command'} did not finish within ${formatDuration(limit)} and was killed (exit code 124). Run something quicker, limit its input, or put long jobs in the background.`,
    );
  }
  lines.push(`Exit code: ${step.exitCode}`);
  const output = step.output ?? '';
  lines.push(output === '' ? 'Output: (none)' : `Output:\n${output}`);
  return lines.join('\n');
}
