import { canInvalidate, type TokenProvider } from '@bots/auth';
import type { ChatModel, ChatModelConnection, ChatRequest, ChatResponse } from './chat-model.js';
import { claimsChallengeOf } from './claims-challenge-of.js';
import { connectionFailureOf } from './connection-failure.js';
import { ModelTimeoutError } from './errors.js';
import { statusOf, toModelError } from './model-errors.js';
import { backoffDelayMs, isRetryable, type RetryInfo, requestedDelayOf } from './retry-policy.js';

/** Sends one request with one client; throws the SDK's (or fetch's) error unchanged. */
export type SendRequest = (request: ChatRequest) => Promise<ChatResponse>;

/** How a model retries and times out its requests. */
export interface RequestPolicy {
  /** Retries after a retryable failure (408, 409, 429, 5xx, a connection failure). */
  maxRetries: number;
  /** Longest wait before one retry, whatever the server asks for. */
  maxRetryDelayMs: number;
  /** Time one request may take, until its whole answer is read. */
  requestTimeoutMs: number;
  /** Hears about each retry before its wait. */
  onRetry?: (retry: RetryInfo) => void;
}

/** Marks the abort of an attempt at its timeout (as opposed to the caller's abort). */
const TIMED_OUT = Symbol('timed out');

/**
 * A `ChatModel` over one client, and the only retry layer (the SDKs' own retries are off): a
 * retryable failure is sent again after the server's `retry-after`, capped at `maxRetryDelayMs`,
 * or a backoff, at most `maxRetries` times, and `onRetry` hears each. A request that does not
 * finish within `requestTimeoutMs` fails with `ModelTimeoutError` (not retried). On a 401 while a
 * token provider is in use the provider is invalidated (when it can be) and the request sent once
 * more with a fresh token; when the 401 carries a claims challenge (Continuous Access Evaluation:
 * `WWW-Authenticate: Bearer error="insufficient_claims", claims="..."`), the fresh token is asked
 * for with those claims (`invalidate({ claims })`). A credential that cannot honour them (a
 * managed identity) then fails with the token provider's `AuthenticationError`, not a retry.
 */
export class ProviderChatModel implements ChatModel {
  readonly provider: string;
  readonly name: string;
  readonly connection: ChatModelConnection;
  readonly #unreachableHint: string | undefined;
  readonly #send: SendRequest;
  readonly #tokenProvider: TokenProvider | undefined;
  readonly #policy: RequestPolicy;

  constructor(options: {
    provider: string;
    name: string;
    connection: ChatModelConnection;
    send: SendRequest;
    policy: RequestPolicy;
    tokenProvider?: TokenProvider;
    /** A sentence added when the endpoint cannot be reached (the provider definition's). */
    unreachableHint?: string;
  }) {
    this.#unreachableHint = options.unreachableHint;
    this.provider = options.provider;
    this.name = options.name;
    this.connection = options.connection;
    this.#send = options.send;
    this.#tokenProvider = options.tokenProvider;
    this.#policy = options.policy;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const signal = request.signal;
    signal?.throwIfAborted();
    let retries = 0;
    let refreshed = false;
    let requestedDelayMs: number | undefined;
    for (;;) {
      try {
        return { ...(await this.#attempt(request)), retries };
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        if (error instanceof ModelTimeoutError) throw error;
        const status = statusOf(error);
        const tokenProvider = this.#tokenProvider;
        if (status === 401 && tokenProvider && !refreshed) {
          refreshed = true;
          if (canInvalidate(tokenProvider)) {
            const claims = claimsChallengeOf(error);
            if (claims === undefined) tokenProvider.invalidate();
            else tokenProvider.invalidate({ claims });
          }
          continue;
        }
        requestedDelayMs = requestedDelayOf(error);
        if (retries >= this.#policy.maxRetries || !isRetryable(error, this.connection.endpoint)) {
          throw toModelError(error, {
            provider: this.provider,
            model: this.name,
            endpoint: this.connection.endpoint,
            retries,
            ...(this.#unreachableHint ? { unreachableHint: this.#unreachableHint } : {}),
            ...(requestedDelayMs !== undefined ? { requestedDelayMs } : {}),
            maxRetryDelayMs: this.#policy.maxRetryDelayMs,
          });
        }
        retries++;
        const delayMs = Math.min(
          requestedDelayMs ?? backoffDelayMs(retries - 1),
          this.#policy.maxRetryDelayMs,
        );
        this.#notify({
          attempt: retries,
          delayMs,
          ...(requestedDelayMs !== undefined ? { requestedDelayMs } : {}),
          ...(status !== undefined ? { status } : {}),
          ...codeOf(error, this.connection.endpoint),
        });
        await sleep(delayMs, signal);
      }
    }
  }

  #notify(retry: RetryInfo): void {
    try {
      this.#policy.onRetry?.(retry);
    } catch {
      // A failing listener must not change what the request does.
    }
  }

  /**
   * One request, with a signal of its own (linked to the caller's: the SDKs add an abort listener
   * to the signal of every request and never remove it) that also aborts at the timeout. It
   * settles at the timeout or the caller's abort even when the client ignores its signal.
   */
  #attempt(request: ChatRequest): Promise<ChatResponse> {
    const caller = request.signal;
    const controller = new AbortController();
    const timeoutMs = this.#policy.requestTimeoutMs;
    return new Promise<ChatResponse>((resolve, reject) => {
      const onCallerAbort = () => {
        controller.abort(caller?.reason);
        finish(() => reject(caller?.reason));
      };
      const timer = setTimeout(() => {
        controller.abort(TIMED_OUT);
        finish(() =>
          reject(new ModelTimeoutError(displayEndpoint(this.connection.endpoint), timeoutMs)),
        );
      }, timeoutMs);
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        caller?.removeEventListener('abort', onCallerAbort);
        settle();
      };
      caller?.addEventListener('abort', onCallerAbort, { once: true });
      let sent: Promise<ChatResponse>;
      try {
        sent = this.#send({ ...request, signal: controller.signal });
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(
        (response) => finish(() => resolve(response)),
        (error: unknown) => {
          const timedOut = controller.signal.reason === TIMED_OUT || isSdkTimeout(error);
          finish(() =>
            reject(
              timedOut
                ? new ModelTimeoutError(displayEndpoint(this.connection.endpoint), timeoutMs)
                : error,
            ),
          );
        },
      );
    });
  }
}

/** The SDK's own timeout (a backstop a little past ours): `APIConnectionTimeoutError`. */
function isSdkTimeout(error: unknown): boolean {
  const candidate = error as { name?: unknown; constructor?: { name?: unknown } } | null;
  return (
    candidate?.name === 'APIConnectionTimeoutError' ||
    candidate?.constructor?.name === 'APIConnectionTimeoutError'
  );
}

function codeOf(error: unknown, endpoint: string): { code?: string } {
  if (statusOf(error) !== undefined) return {};
  const code = connectionFailureOf(error, endpoint)?.code;
  return code ? { code } : {};
}

/** The endpoint as shown in messages: origin and path, no query. */
function displayEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'the endpoint';
  }
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
