import { canInvalidate, type TokenProvider } from '@bots/auth';
import type { ChatModel, ChatModelConnection, ChatRequest, ChatResponse } from './chat-model.js';
import { statusOf, toModelError } from './model-errors.js';
import type { ProviderName } from './model-string.js';

/** Sends one request with one client; throws the SDK's (or fetch's) error unchanged. */
export type SendRequest = (request: ChatRequest) => Promise<ChatResponse>;

/**
 * A `ChatModel` over one client. On a 401 while a token provider is in use it invalidates the
 * provider (when it can be) and retries once, so a revoked or stale token is replaced. No other
 * retries here: the SDKs retry 408/429/5xx themselves (`maxRetries`).
 */
export class ProviderChatModel implements ChatModel {
  readonly provider: ProviderName;
  readonly name: string;
  readonly connection: ChatModelConnection;
  readonly #send: SendRequest;
  readonly #tokenProvider: TokenProvider | undefined;

  constructor(options: {
    provider: ProviderName;
    name: string;
    connection: ChatModelConnection;
    send: SendRequest;
    tokenProvider?: TokenProvider;
  }) {
    this.provider = options.provider;
    this.name = options.name;
    this.connection = options.connection;
    this.#send = options.send;
    this.#tokenProvider = options.tokenProvider;
  }

  async complete(callerRequest: ChatRequest): Promise<ChatResponse> {
    callerRequest.signal?.throwIfAborted();
    // The SDKs add an abort listener per request and never remove it: give each call a signal of
    // its own, linked to the caller's, so that a long-lived signal does not collect listeners.
    const request = callerRequest.signal
      ? { ...callerRequest, signal: AbortSignal.any([callerRequest.signal]) }
      : callerRequest;
    try {
      return await this.#send(request);
    } catch (error) {
      const tokenProvider = this.#tokenProvider;
      if (!tokenProvider || statusOf(error) !== 401 || request.signal?.aborted) {
        throw this.#toError(error, request);
      }
      if (canInvalidate(tokenProvider)) tokenProvider.invalidate();
    }
    try {
      return await this.#send(request);
    } catch (error) {
      throw this.#toError(error, request);
    }
  }

  #toError(error: unknown, request: ChatRequest): unknown {
    return toModelError(error, {
      provider: this.provider,
      model: this.name,
      endpoint: this.connection.endpoint,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }
}
