import { errorKindOf, redact } from '@bots/auth';
import type { BotError, RunStatus } from './bot-result.js';
import { RunAbortedError, RunTimeoutError } from './errors.js';
import { formatDuration } from './format-duration.js';
import { messageOf } from './run-failure.js';

/** What a run's scope needs: the caller's signal and time limit. */
export interface RunScopeOptions {
  /** The caller's signal; its abort ends the run as `aborted`. */
  signal?: AbortSignal | undefined;
  /** Time limit of the whole run, in milliseconds; when it passes the run ends as `timeout`. */
  timeoutMs?: number | undefined;
}

/**
 * The lifetime of one run: one signal that aborts when the caller's signal aborts (with a
 * `RunAbortedError`) or the run's timeout passes (with a `RunTimeoutError`). Everything in flight
 * (model calls, commands, tools) hangs off {@link RunScope.signal}; {@link RunScope.close} unlinks
 * the caller's signal, stops the timer and aborts what is left.
 */
export class RunScope {
  readonly #controller = new AbortController();
  readonly #userSignal: AbortSignal | undefined;
  readonly #onUserAbort: () => void;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;

  /** `modelCalls` tells the timeout's message how far the run got. */
  constructor(options: RunScopeOptions, modelCalls: () => number) {
    const controller = this.#controller;
    const userSignal = options.signal;
    this.#userSignal = userSignal;
    this.#onUserAbort = () => controller.abort(abortedError(userSignal?.reason));
    if (userSignal?.aborted) this.#onUserAbort();
    else userSignal?.addEventListener('abort', this.#onUserAbort, { once: true });
    const timeoutMs = options.timeoutMs;
    this.#timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new RunTimeoutError(
                  `The run did not finish within its timeout of ${formatDuration(timeoutMs)} (timeoutMs); the work in flight was aborted after ${modelCalls()} model call(s). Raise timeoutMs or simplify the task.`,
                ),
              ),
            timeoutMs,
          );
  }

  /** Aborts when the run is aborted, times out, or has ended. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * How the run ends when its signal aborted (`timeout` or `aborted`, with the reason as the
   * error); undefined while it has not.
   */
  interruption(): { status: RunStatus; error: BotError } | undefined {
    const signal = this.#controller.signal;
    if (!signal.aborted) return undefined;
    const reason: unknown = signal.reason;
    return {
      status: reason instanceof RunTimeoutError ? 'timeout' : 'aborted',
      error: {
        name: reason instanceof Error ? reason.name : RunAbortedError.name,
        kind: errorKindOf(reason, 'aborted'),
        message: redact(reason instanceof Error ? reason.message : String(reason)),
      },
    };
  }

  /** Ends the scope: the timer stops, the caller's signal is unlinked, work still in flight is aborted. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
    if (!this.#controller.signal.aborted)
      this.#controller.abort(new RunAbortedError('The run has ended.'));
  }
}

function abortedError(reason: unknown): RunAbortedError {
  if (reason instanceof RunAbortedError) return reason;
  const detail =
    reason === undefined ||
    (reason instanceof Error && reason.name === 'AbortError' && /aborted/i.test(reason.message))
      ? ''
      : ` (reason: ${messageOf(reason)})`;
  return new RunAbortedError(`The run was aborted through its signal${detail}.`);
}
