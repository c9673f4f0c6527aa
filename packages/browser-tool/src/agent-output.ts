import { redactForModel } from '@bots/auth';

/** Prefix of the agent's machine-readable step lines on stdout (one JSON object after it). */
export const STEP_LINE_PREFIX = '[browser-step] ';

/** The marker of the agent's last line: `Final Result: <answer>` (matched case-insensitively). */
export const FINAL_RESULT_MARKER = 'Final Result:';

/** One browser action of the agent, as printed on a step line. */
export interface AgentStepLine {
  index: number;
  kind: 'command' | 'answer' | 'format-error';
  thoughts: string;
  command: string;
  exitCode?: number;
  output?: string;
  problem?: string;
  url?: string;
  modelDurationMs: number;
  commandDurationMs?: number;
  usage?: { inputTokens: number; outputTokens: number };
}

/** Formats a step for stdout (the library's secrets masked; page text is the user's data). */
export function formatStepLine(step: AgentStepLine): string {
  return STEP_LINE_PREFIX + redactForModel(JSON.stringify(step));
}

/** Parses a step line, or returns undefined when the line is not one. */
export function parseStepLine(line: string): AgentStepLine | undefined {
  if (!line.startsWith(STEP_LINE_PREFIX)) return undefined;
  try {
    const value = JSON.parse(line.slice(STEP_LINE_PREFIX.length)) as AgentStepLine;
    return typeof value === 'object' && value !== null && typeof value.index === 'number'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The answer after the last `Final Result:` marker at the start of a line (any case), up to the
 * end of the output (an answer may span lines; step lines after it are not part of it).
 * Undefined when there is no marker.
 */
export function parseFinalResult(output: string): string | undefined {
  const pattern = /^[ \t]*final result:[ \t]?/gim;
  let last: RegExpExecArray | undefined;
  for (let match = pattern.exec(output); match; match = pattern.exec(output)) last = match;
  if (!last) return undefined;
  const rest = output.slice(last.index + last[0].length);
  return rest
    .split('\n')
    .filter((line) => !line.startsWith(STEP_LINE_PREFIX))
    .join('\n')
    .trim();
}

/** Splits a stream of chunks into lines (for stdout/stderr of the agent). */
export class LineSplitter {
  #buffer = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string | Buffer): void {
    this.#buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline = this.#buffer.indexOf('\n');
    while (newline >= 0) {
      this.onLine(this.#buffer.slice(0, newline).replace(/\r$/, ''));
      this.#buffer = this.#buffer.slice(newline + 1);
      newline = this.#buffer.indexOf('\n');
    }
  }
  end(): void {
    if (this.#buffer) this.onLine(this.#buffer);
    this.#buffer = '';
  }
}
