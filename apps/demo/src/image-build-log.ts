import type { Writer } from './command-context.js';
import { withoutEscapes } from './terminal-text.js';

/** Lines of the build log kept for the message of a failed build. */
const TAIL_LINES = 8;
const LINE_WIDTH = 160;

function clip(line: string): string {
  return line.length > LINE_WIDTH ? `${line.slice(0, LINE_WIDTH - 1)}…` : line;
}

/**
 * An image build shown short on stderr: one line when it starts, then only the `Step N/M : ...`
 * lines (apt's output and its colours stay out); the last lines of the log are kept, without
 * escape sequences, for the message of a failed build.
 */
export class ImageBuildLog {
  readonly #say: Writer;
  readonly #header: string;
  readonly #tail: string[] = [];
  #started = false;

  /** `header` is said once, when the first line of a build comes (an image already there says nothing). */
  constructor(say: Writer, header: string) {
    this.#say = say;
    this.#header = header;
  }

  /** One line of the build's progress. */
  readonly line = (text: string): void => {
    if (!this.#started) {
      this.#started = true;
      this.#say(`${this.#header}\n`);
    }
    for (const part of withoutEscapes(text).split('\n')) {
      const line = part.trimEnd();
      if (!line.trim()) continue;
      if (/^Step \d+\/\d+ :/.test(line)) this.#say(`  image: ${clip(line)}\n`);
      this.#tail.push(clip(line));
      if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    }
  };

  /** Whether a build started (a line came). */
  get started(): boolean {
    return this.#started;
  }

  /** The last lines of the log (at most 8), for a failure; none that `except` already holds. */
  tail(except = ''): string[] {
    return this.#tail.filter((line) => !except.includes(line.trim()));
  }
}

/** The first line of an error's message, without escape sequences. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return withoutEscapes(message).split('\n')[0]?.trim() ?? '';
}
