import type { EndpointKind } from './endpoint-kind.js';

/**
 * A fault to apply to a request instead of (or before) its normal answer. Fields combine:
 * `delayMs` waits first, then `reset` destroys the socket, or `status` answers with that status
 * in the endpoint's real error shape.
 */
export interface Fault {
  /**
   * Answer with this HTTP status: 429 (rate limited, with `retry-after`), 401 (as if the token
   * or key had been revoked), 500, 503, 529 ... in the endpoint's error shape.
   */
  status?: number;
  /** With a status, the `retry-after` header in seconds (Azure kinds also get `retry-after-ms`). */
  retryAfterSeconds?: number;
  /** With a status, the `retry-after-ms` header (the OpenAI and Anthropic SDKs honour it). */
  retryAfterMs?: number;
  /** Wait this long before answering (or before the status or reset). */
  delayMs?: number;
  /** Destroy the connection without an answer (the client sees a connection reset). */
  reset?: boolean;
  /** Overrides the error message of a status fault. */
  message?: string;
}

/** Where and how often an injected fault applies. */
export interface InjectFaultOptions {
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
  /**
   * The endpoint kinds it applies to (default: every model endpoint). Name `identity`
   * explicitly to fault the managed-identity endpoint.
   */
  kinds?: readonly EndpointKind[];
}

/** A handle on an injected fault. */
export interface InjectedFault {
  /** The fault as injected. */
  readonly fault: Fault;
  /** How many more requests it will apply to. */
  readonly remaining: number;
  /** Stops applying it. */
  cancel(): void;
}
