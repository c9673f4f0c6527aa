import type { EndpointKind } from './endpoint-kind.js';
import type { RecordedRequest } from './recorded-request.js';

/** Every request the emulator received, in order of arrival. */
export class RequestLog implements Iterable<RecordedRequest> {
  readonly #entries: RecordedRequest[] = [];

  /** How many requests are recorded. */
  get length(): number {
    return this.#entries.length;
  }

  /** A copy of every recorded request, oldest first. */
  all(): RecordedRequest[] {
    return [...this.#entries];
  }

  /** The recorded requests to one or several endpoint kinds, oldest first. */
  ofKind(...kinds: EndpointKind[]): RecordedRequest[] {
    return this.#entries.filter((entry) => kinds.includes(entry.kind));
  }

  /** The request at an index; negative indexes count from the end. */
  at(index: number): RecordedRequest | undefined {
    return this.#entries.at(index);
  }

  /** The latest request, optionally of one kind. */
  last(kind?: EndpointKind): RecordedRequest | undefined {
    if (kind === undefined) return this.#entries.at(-1);
    return this.#entries.findLast((entry) => entry.kind === kind);
  }

  /** Forgets every recorded request. */
  clear(): void {
    this.#entries.length = 0;
  }

  /** Records a request (used by the emulator). */
  record(entry: RecordedRequest): void {
    this.#entries.push(entry);
  }

  [Symbol.iterator](): Iterator<RecordedRequest> {
    return this.all()[Symbol.iterator]();
  }
}
