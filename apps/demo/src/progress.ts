import type { BotResult, Step } from '@bots/core';
import type { RetryInfo } from '@bots/providers';
import type { Writer } from './command-context.js';
import { style } from './style.js';

const OUTPUT_PREVIEW_LINES = 4;
const LINE_WIDTH = 160;

function clip(line: string): string {
  return line.length > LINE_WIDTH ? `${line.slice(0, LINE_WIDTH - 1)}…` : line;
}

function seconds(milliseconds: number): string {
  return milliseconds < 1000
    ? `${Math.round(milliseconds)} ms`
    : `${(milliseconds / 1000).toFixed(1).replace(/\.0$/, '')} s`;
}

/**
 * The `onStep` of a run: prints each step on stderr as it happens — number, thoughts, `$ command`,
 * exit code, times, the first lines of the output. Sub-steps of an `AgentBoss` are indented.
 */
export function stepPrinter(write: Writer, color: boolean): (step: Step) => void {
  const s = style(color);
  return (step) => {
    const indent = '    '.repeat(step.depth);
    const label = step.depth > 0 ? `sub-step ${step.index + 1}` : `step ${step.index + 1}`;
    const pad = `${indent}  `;
    const lines: string[] = [];
    const thoughts = step.thoughts.trim().split('\n');
    switch (step.kind) {
      case 'command':
      case 'tool': {
        lines.push(`${indent}${s.bold(label)}  ${clip(thoughts[0] ?? '')}`);
        for (const more of thoughts.slice(1, 3)) lines.push(`${pad}${s.dim(clip(more))}`);
        lines.push(
          `${pad}${s.bold('$')} ${clip(step.command.split('\n')[0] ?? '')}${step.command.includes('\n') ? s.dim(' …') : ''}`,
        );
        const output = (step.output ?? '').replace(/\n+$/, '');
        if (output && !step.subSteps) {
          const outputLines = output.split('\n');
          for (const line of outputLines.slice(0, OUTPUT_PREVIEW_LINES))
            lines.push(`${pad}${s.dim(`│ ${clip(line)}`)}`);
          if (outputLines.length > OUTPUT_PREVIEW_LINES) {
            lines.push(
              `${pad}${s.dim(`│ … ${outputLines.length - OUTPUT_PREVIEW_LINES} more lines`)}`,
            );
          }
        }
        const code = step.exitCode ?? 0;
        const exit = step.timedOut
          ? s.red(`exit ${code} (timed out)`)
          : code === 0
            ? s.green('exit 0')
            : s.yellow(`exit ${code}`);
        const times = [
          step.commandDurationMs !== undefined
            ? `${step.kind === 'tool' ? step.tool : 'command'} ${seconds(step.commandDurationMs)}`
            : undefined,
          `model ${seconds(step.modelDurationMs)}`,
        ].filter(Boolean);
        lines.push(`${pad}${exit}${s.dim(` · ${times.join(' · ')}`)}`);
        break;
      }
      case 'answer':
        lines.push(
          `${indent}${s.bold(label)}  ${s.green('answer')}${s.dim(` · model ${seconds(step.modelDurationMs)}`)}`,
        );
        break;
      case 'format-error':
        lines.push(
          `${indent}${s.bold(label)}  ${s.yellow('the reply broke the protocol')}: ${clip(step.problem ?? '')}${s.dim(` · model ${seconds(step.modelDurationMs)}`)}`,
        );
        break;
    }
    write(`${lines.join('\n')}\n`);
  };
}

/** One line that sums up a run, for stderr. */
export function summaryLine(result: BotResult, color: boolean): string {
  const s = style(color);
  const usage =
    result.usage.inputTokens || result.usage.outputTokens
      ? `, ${result.usage.inputTokens} tokens in / ${result.usage.outputTokens} out`
      : '';
  const facts = `${seconds(result.durationMs)}, ${result.iterations} model call${result.iterations === 1 ? '' : 's'}${usage}`;
  if (result.status === 'success') return `${s.green('done')} in ${facts}\n`;
  const error = result.error ? `: ${result.error.name}: ${result.error.message}` : '';
  return `${s.red(result.status)} after ${facts}${error}\n`;
}

/**
 * One retry of a model call, for stderr: `the model call got HTTP 429; retry 1 in 30 s (the server
 * asked for 3600 s; one retry waits at most 30 s)`.
 */
export function retryLine(retry: RetryInfo, color: boolean): string {
  const s = style(color);
  const cause = retry.status ? `got HTTP ${retry.status}` : 'failed to connect';
  const asked =
    retry.requestedDelayMs !== undefined && retry.requestedDelayMs > retry.delayMs
      ? ` (the server asked for ${seconds(retry.requestedDelayMs)}; one retry waits at most ${seconds(retry.delayMs)})`
      : retry.requestedDelayMs !== undefined
        ? ' (as the server asked)'
        : '';
  return `  ${s.yellow(`the model call ${cause}; retry ${retry.attempt} in ${seconds(retry.delayMs)}`)}${s.dim(asked)}\n`;
}

/** The line said while a model call is outstanding: `waiting for the model, 12 s`. */
export function waitingLine(text: string, color: boolean): string {
  return `  ${style(color).dim(text)}\n`;
}
