import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { PACKAGE_VERSION } from './package-version.js';
import { redact } from './redact.js';

/**
 * The spans `@bots/auth` makes, through `@opentelemetry/api` only: nothing is recorded (and next
 * to nothing is done) until the application registers an OpenTelemetry SDK.
 */
export const AUTH_SPAN_NAMES = Object.freeze({
  /**
   * One call of a cached token provider (a cache hit, a wait for a fetch, or joining a fetch in
   * flight), under the span that needed the token (the model call); a background refresh is a
   * root span of its own, linked to the call that started it.
   */
  tokenFetch: 'bots.token_fetch',
});

/** The attributes of {@link AUTH_SPAN_NAMES}. Never a token, a secret or a claim's content. */
export const AUTH_ATTRIBUTES = Object.freeze({
  /** `AZURE_AUTH_METHOD` as resolved: one method or a chain (`managed_identity,azure_cli`). */
  method: 'bots.auth.method',
  /** The class of the credential, e.g. `DefaultAzureCredential`, `ChainedTokenCredential`. */
  credentialClass: 'bots.auth.credential_class',
  /** The scope the token is for. */
  scope: 'bots.auth.scope',
  /** `hit` (cached), `wait` (this call started a fetch), `joined` (waited on one in flight), `refresh` (background). */
  cache: 'bots.token.cache',
  /** A background refresh was started by this call. */
  refreshStarted: 'bots.token.refresh_started',
  /** The fetch asked for claims (after a claims challenge). */
  claims: 'bots.token.claims',
  /** When the token handed out expires (ISO 8601). */
  expiresAt: 'bots.token.expires_at',
  /** Milliseconds the token has left when handed out. */
  remainingMs: 'bots.token.remaining_ms',
});

/** What a cache value's spans say about it. */
export type CacheOutcome = 'hit' | 'wait' | 'joined' | 'refresh';

const tracer = () => trace.getTracer('@bots/auth', PACKAGE_VERSION);

/**
 * Runs `work` in a `bots.token_fetch` span: a child of the active span, or, with `root`, a root
 * span linked to the active one (a background refresh outlives the call that started it). The
 * span ends when `work` settles; a failure is recorded with its message redacted.
 */
export async function inTokenSpan<T>(
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { root?: boolean; parent?: Context } = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  const parentSpan = trace.getSpanContext(parent);
  const span = tracer().startSpan(
    AUTH_SPAN_NAMES.tokenFetch,
    {
      attributes,
      ...(options.root ? { root: true } : {}),
      ...(options.root && parentSpan ? { links: [{ context: parentSpan }] } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    recordRedactedException(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** A `bots.token_fetch` span that starts and ends now (a cache hit); `attributes` is called only when recorded. */
export function markTokenSpan(attributes: () => Attributes): void {
  const span = tracer().startSpan(AUTH_SPAN_NAMES.tokenFetch);
  if (span.isRecording()) span.setAttributes(attributes());
  span.end();
}

/**
 * Records an error (or an object with `name` and `message`, such as a bot result's error) on a
 * span with its message redacted and no stack, and marks the span as failed.
 */
export function recordRedactedException(span: Span, error: unknown): void {
  const shaped = error as { name?: unknown; message?: unknown } | null;
  const name = typeof shaped?.name === 'string' ? shaped.name : 'Error';
  const message = redact(typeof shaped?.message === 'string' ? shaped.message : String(error));
  span.recordException({ name, message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
