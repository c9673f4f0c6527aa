import { BotsError, ConfigurationError, type ErrorKind } from '@bots/auth';
import type { ProviderName } from './model-string.js';

/** A model string that is not `provider/name` with a known provider. The message lists the valid forms. */
export class InvalidModelError extends ConfigurationError {
  /** The model string as given. */
  readonly model: string;
  constructor(model: string, message: string) {
    super(message);
    this.model = model;
  }
}

/** Details of a failed model call, safe to log (no secrets). */
export interface ModelRequestErrorDetails {
  /** The provider the call went to. */
  provider: ProviderName;
  /** The deployment or model name. */
  model: string;
  /** The HTTP status, when the endpoint answered. */
  status?: number;
  /** The provider's error code or type, when it sent one. */
  code?: string;
  /** The provider's request id, when it sent one (quote it to the provider's support). */
  requestId?: string;
  /**
   * Whether the same request may succeed later (408, 409, 429, 5xx, a connection failure that is
   * not permanent, or what the server's `x-should-retry` said). Default: from `status`.
   */
  isRetryable?: boolean;
}

/**
 * A model call failed: the endpoint answered with an error status (after the retries for 408,
 * 409, 429 and 5xx), or could not be reached (`status` undefined, `code` such as
 * `ECONNREFUSED`). The one error of a failed model request; a 401 or 403 is its subclass
 * {@link ModelAuthenticationError}. The message is redacted; the SDK's error is not attached.
 */
export class ModelRequestError extends BotsError {
  static override readonly kind: ErrorKind = 'model';
  /** The provider the call went to. */
  readonly provider: ProviderName;
  /** The deployment or model name. */
  readonly model: string;
  /** The HTTP status, or `undefined` when the endpoint could not be reached. */
  readonly status: number | undefined;
  /** The provider's error code, or the connection failure's (`ECONNREFUSED`, `EAI_AGAIN`). */
  readonly code: string | undefined;
  /** The provider's request id, when it sent one. */
  readonly requestId: string | undefined;
  /**
   * Whether sending the same request later may succeed (a rate limit, a server error, a network
   * that may come back); false for a request the endpoint will refuse again (400, 401, 403, 404).
   */
  readonly isRetryable: boolean;
  constructor(message: string, details: ModelRequestErrorDetails) {
    super(message);
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.isRetryable = details.isRetryable ?? retryableStatus(details.status);
  }
}

/**
 * The endpoint rejected the credential (401 or 403), after one retry with a fresh token when a
 * token provider is in use: a {@link ModelRequestError} of kind `authentication`, so also an
 * `AuthenticationError` for `instanceof` and `AuthenticationError.isInstance`. Its own class
 * for the name that earlier versions reported. The message is redacted.
 */
export class ModelAuthenticationError extends ModelRequestError {
  static override readonly kind: ErrorKind = 'authentication';
}

function retryableStatus(status: number | undefined): boolean {
  return (
    status === undefined || status === 408 || status === 409 || status === 429 || status >= 500
  );
}

/**
 * A provider needs credentials and has none: no API key in the env and no token provider (neither
 * the `tokenProvider` option nor one `AZURE_AUTH_METHOD` opts into). Thrown by `createChatModel`.
 * The message is worded for library users; a CLI can word its own from `provider` and
 * `keyVariables`.
 */
export class MissingCredentialsError extends ConfigurationError {
  /** The provider of the model string, e.g. `azure-openai`. */
  readonly provider: string;
  /** The environment variables that would give it a key, in precedence order. */
  readonly keyVariables: readonly string[];
  constructor(provider: string, keyVariables: readonly string[], message: string) {
    super(message);
    this.provider = provider;
    this.keyVariables = Object.freeze([...keyVariables]);
  }
}

/**
 * A model request got no answer within `requestTimeoutMs` (the endpoint accepted the connection,
 * or not, and never answered). Thrown by `ChatModel.complete()`; not retried.
 */
export class ModelTimeoutError extends BotsError {
  static override readonly kind: ErrorKind = 'limit';
  /** Where the request went (the endpoint's origin and path, no query). */
  readonly endpoint: string;
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(endpoint: string, timeoutMs: number, message?: string) {
    super(
      message ??
        `The model at ${endpoint} did not answer within ${formatSeconds(timeoutMs)}. Check that the endpoint is the right one and is up, or raise requestTimeoutMs.`,
    );
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }
}

function formatSeconds(milliseconds: number): string {
  if (milliseconds < 1000) return `${milliseconds} ms`;
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(1))} s`;
}
