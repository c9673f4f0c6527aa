import { BotsError, redact } from '@bots/auth';
import { connectionFailureOf, hostAndPort } from './connection-failure.js';
import {
  ModelAuthenticationError,
  ModelRequestError,
  type ModelRequestErrorDetails,
} from './errors.js';
import type { ProviderName } from './model-string.js';
import { isRetryable } from './retry-policy.js';

const MAX_DETAIL = 500;

/** The HTTP status of an SDK or fetch error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Turns whatever a model call threw into what the user sees. The caller's abort reason when the
 * signal was aborted; a `BotsError` found in the cause chain (e.g. a token provider's
 * `AuthenticationError`) as is; otherwise a {@link ModelAuthenticationError} (401/403) or a
 * {@link ModelRequestError} with a redacted message. The SDK's error is not attached: it may
 * carry request details.
 */
export function toModelError(
  error: unknown,
  context: {
    provider: ProviderName;
    model: string;
    endpoint: string;
    signal?: AbortSignal;
    /** Retries made before giving up. */
    retries?: number;
    /** The last delay the server asked for, in ms. */
    requestedDelayMs?: number;
    /** The cap on one retry's wait, in ms. */
    maxRetryDelayMs?: number;
    /** A sentence added when the endpoint cannot be reached (from the provider's definition). */
    unreachableHint?: string;
  },
): unknown {
  if (context.signal?.aborted) return context.signal.reason ?? error;
  const known = findBotsError(error);
  if (known) return known;

  const status = statusOf(error);
  const failure = status === undefined ? connectionFailureOf(error, context.endpoint) : undefined;
  const details: ModelRequestErrorDetails = {
    provider: context.provider,
    model: context.model,
    ...(status !== undefined ? { status } : {}),
    ...codeAndRequestId(error),
    ...(failure ? { code: failure.code } : {}),
    isRetryable: isRetryable(error, context.endpoint),
  };
  const retried = context.retries
    ? ` after ${context.retries} ${context.retries === 1 ? 'retry' : 'retries'}`
    : '';
  const detail = truncate(redact(messageOf(error)));
  const subject = `${context.provider}/${context.model}`;
  if (status === 401 || status === 403) {
    const fix =
      status === 401
        ? 'Check the key, or that the token is for the right scope (AZURE_AUTH_SCOPE) and tenant.'
        : 'The identity lacks access: give it a role such as "Cognitive Services OpenAI User" on the resource.';
    return new ModelAuthenticationError(
      `${subject}: the endpoint rejected the credential (${status}). ${fix} Details: ${detail}`,
      details,
    );
  }
  if (status !== undefined) {
    const asked =
      context.requestedDelayMs !== undefined &&
      context.maxRetryDelayMs !== undefined &&
      context.requestedDelayMs > context.maxRetryDelayMs
        ? ` The server asked to wait ${seconds(context.requestedDelayMs)} before trying again, longer than one retry may wait (maxRetryDelayMs, ${seconds(context.maxRetryDelayMs)}): try again later.`
        : '';
    return new ModelRequestError(
      `${subject}: request failed with status ${status}${retried}: ${detail}${asked}`,
      details,
    );
  }
  const hint = context.unreachableHint ? ` ${context.unreachableHint}` : '';
  if (failure) {
    return new ModelRequestError(
      `${subject}: could not reach ${hostAndPort(context.endpoint)}${retried}: ${failure.reason}.${hint}`,
      details,
    );
  }
  return new ModelRequestError(
    `${subject}: could not reach ${origin(context.endpoint)}${retried}: ${detail}.${hint}`,
    details,
  );
}

function seconds(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const value = milliseconds / 1000;
  return `${Number.isInteger(value) ? value : Number(value.toFixed(1))} s`;
}

function findBotsError(error: unknown): BotsError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (BotsError.isInstance(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function codeAndRequestId(error: unknown): { code?: string; requestId?: string } {
  const candidate = error as {
    code?: unknown;
    type?: unknown;
    requestID?: unknown;
    error?: { code?: unknown; type?: unknown; error?: { type?: unknown } };
  } | null;
  const code = [
    candidate?.code,
    candidate?.error?.code,
    candidate?.error?.error?.type,
    candidate?.type,
  ].find((value): value is string => typeof value === 'string' && value.length > 0);
  const requestId = typeof candidate?.requestID === 'string' ? candidate.requestID : undefined;
  return {
    ...(code ? { code: redact(code) } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const causeMessage = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
    return `${error.message}${causeMessage}`;
  }
  return String(error);
}

function truncate(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the endpoint';
  }
}
