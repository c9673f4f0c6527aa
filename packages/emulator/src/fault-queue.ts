import { type EndpointKind, isModelEndpointKind } from './endpoint-kind.js';
import type { Fault, InjectedFault, InjectFaultOptions } from './fault.js';

interface QueuedFault {
  fault: Fault;
  remaining: number;
  kinds: readonly EndpointKind[] | undefined;
}

/** Injected faults, applied first-in first-out to the requests they match. */
export class FaultQueue {
  readonly #queue: QueuedFault[] = [];

  inject(fault: Fault, options: InjectFaultOptions = {}): InjectedFault {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`inject(): times must be a positive integer, got ${times}.`);
    }
    const queued: QueuedFault = { fault: { ...fault }, remaining: times, kinds: options.kinds };
    this.#queue.push(queued);
    const queue = this.#queue;
    return {
      fault: queued.fault,
      get remaining() {
        return queued.remaining;
      },
      cancel() {
        queued.remaining = 0;
        const index = queue.indexOf(queued);
        if (index >= 0) queue.splice(index, 1);
      },
    };
  }

  /** Takes the next fault that applies to a request of this kind, if any. */
  take(kind: EndpointKind): Fault | undefined {
    const index = this.#queue.findIndex((queued) => applies(queued, kind));
    if (index < 0) return undefined;
    const queued = this.#queue[index]!;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.#queue.splice(index, 1);
    return queued.fault;
  }

  clear(): void {
    for (const queued of this.#queue) queued.remaining = 0;
    this.#queue.length = 0;
  }
}

function applies(queued: QueuedFault, kind: EndpointKind): boolean {
  if (queued.remaining <= 0) return false;
  if (queued.kinds === undefined) return isModelEndpointKind(kind);
  return queued.kinds.includes(kind);
}
