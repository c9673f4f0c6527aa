import { connectionFailureOf } from './connection-failure.js';
import { statusOf } from './model-errors.js';

/** Retries of a failed request when `maxRetries` is not given. */
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Longest wait before one retry when `maxRetryDelayMs` is not given: a `retry-after` of an hour
 * waits this long, then the request is sent again (the run's own timeout decides the rest).
 */
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

/** What a retry is about to do, as `onRetry` hears it. */
export interface RetryInfo {
  /** Which retry this is: 1 for the first. */
  attempt: number;
  /** How long it waits before sending the request again, in milliseconds (capped). */
  delayMs: number;
  /** What the server asked for (`retry-after-ms` or `retry-after`), when it asked; may exceed `delayMs`. */
  requestedDelayMs?: number;
  /** The HTTP status that is retried; absent for a connection failure. */
  status?: number;
  /** For a connection failure: its code, e.g. `ECONNRESET`. */
  code?: string;
}

function header(error: unknown, name: string): string | undefined {
  const headers = (error as { headers?: unknown } | null)?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? (get as (key: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The delay the server asked for in `retry-after-ms` or `retry-after` (seconds or a date), in ms. */
export function requestedDelayOf(error: unknown, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(header(error, 'retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = header(error, 'retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Whether a failed request is worth sending again: the server's `x-should-retry` when it says,
 * else 408, 409, 429 and 5xx, and connection failures that are not permanent (not a name that
 * does not resolve, a refused certificate or a refused port).
 */
export function isRetryable(error: unknown, endpoint: string): boolean {
  const status = statusOf(error);
  if (status !== undefined) {
    const says = header(error, 'x-should-retry');
    if (says === 'true') return true;
    if (says === 'false') return false;
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'APIUserAbortError') return false;
  const failure = connectionFailureOf(error, endpoint);
  if (failure) return !failure.permanent;
  return name === 'APIConnectionError' || name === 'TypeError';
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s ... at most 8 s. */
export function backoffDelayMs(retry: number): number {
  const seconds = Math.min(0.5 * 2 ** retry, 8);
  return Math.round(seconds * (1 - Math.random() * 0.25) * 1000);
}
