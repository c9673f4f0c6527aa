/** Default cap on the characters of a command's output that reach the caller (head + tail). */
export const DEFAULT_OUTPUT_LIMIT = 16_000;

/** The marker put between the head and the tail of a capped output. */
export function cutMarker(cutCharacters: number): string {
  return `\n…[${cutCharacters} characters cut]…\n`;
}

/**
 * Keeps the first and the last characters of a text that arrives in pieces, so that a command
 * printing gigabytes costs bounded memory. Half the limit goes to the head, half to the tail.
 */
export class OutputCapper {
  readonly #headSize: number;
  readonly #tailSize: number;
  #head = '';
  #tail = '';
  #total = 0;

  constructor(limit: number = DEFAULT_OUTPUT_LIMIT) {
    const bounded = Math.max(2, Math.floor(limit));
    this.#headSize = Math.ceil(bounded / 2);
    this.#tailSize = bounded - this.#headSize;
  }

  /** Adds the next piece of output. */
  push(text: string): void {
    if (text.length === 0) return;
    this.#total += text.length;
    let rest = text;
    if (this.#head.length < this.#headSize) {
      const room = this.#headSize - this.#head.length;
      this.#head += rest.slice(0, room);
      rest = rest.slice(room);
    }
    if (rest.length === 0) return;
    this.#tail += rest;
    if (this.#tail.length > this.#tailSize * 2 + 1024) {
      this.#tail = this.#tail.slice(-this.#tailSize);
    }
  }

  /** Number of characters pushed so far. */
  get totalCharacters(): number {
    return this.#total;
  }

  /** The capped text: all of it when it fits, else head, marker, tail. */
  result(): { output: string; truncated: boolean } {
    const tail =
      this.#tail.length > this.#tailSize ? this.#tail.slice(-this.#tailSize) : this.#tail;
    const cut = this.#total - this.#head.length - tail.length;
    if (cut <= 0) return { output: this.#head + tail, truncated: false };
    return { output: this.#head + cutMarker(cut) + tail, truncated: true };
  }
}

/**
 * Caps `text` at about `limit` characters: the head and the tail are kept, with a marker
 * `…[N characters cut]…` in between.
 */
export function capOutput(
  text: string,
  limit: number = DEFAULT_OUTPUT_LIMIT,
): { output: string; truncated: boolean } {
  const capper = new OutputCapper(limit);
  capper.push(text);
  return capper.result();
}
