import { AuthenticationError, BotsError, ConfigurationError } from '@bots/auth';
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
}

/**
 * A model call failed: the endpoint answered with an error status (after the SDK's own retries for
 * 408/429/5xx), or could not be reached. The message is redacted; the SDK's error is not attached.
 */
export class ModelRequestError extends BotsError {
  readonly provider: ProviderName;
  readonly model: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, details: ModelRequestErrorDetails) {
    super(message);
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
  }
}

/**
 * The endpoint rejected the credential (401 or 403), after one retry with a fresh token when a
 * token provider is in use. The message is redacted.
 */
export class ModelAuthenticationError extends AuthenticationError {
  readonly provider: ProviderName;
  readonly model: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, details: ModelRequestErrorDetails) {
    super(message);
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
  }
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
