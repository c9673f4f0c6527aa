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
