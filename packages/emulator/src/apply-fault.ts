import { setTimeout as sleep } from 'node:timers/promises';
import type { EndpointKind } from './endpoint-kind.js';
import { authErrorMessage, defaultErrorMessage, errorBody, errorFamilyOf } from './error-bodies.js';
import type { Exchange } from './exchange.js';
import type { Fault } from './fault.js';

/**
 * Applies a fault to an exchange. Returns `true` when the fault answered (status or reset),
 * `false` when it only delayed and the normal answer should follow.
 */
export async function applyFault(
  exchange: Exchange,
  fault: Fault,
  kind: EndpointKind,
  audience: string,
): Promise<boolean> {
  exchange.entry.fault = { ...fault };
  if (fault.delayMs !== undefined && fault.delayMs > 0) {
    await sleep(fault.delayMs);
    if (exchange.gone) return true;
  }
  if (fault.reset) {
    exchange.reset();
    return true;
  }
  if (fault.status === undefined) return false;
  const status = fault.status;
  const gateway = status === 401 || status === 403;
  const family = errorFamilyOf(kind, gateway ? 'gateway' : 'model');
  const headers: Record<string, string> = {};
  let retryAfterSeconds = fault.retryAfterSeconds;
  let retryAfterMs = fault.retryAfterMs;
  if (status === 429 || fault.retryAfterSeconds !== undefined || fault.retryAfterMs !== undefined) {
    if (retryAfterSeconds === undefined) {
      retryAfterSeconds = retryAfterMs === undefined ? 1 : Math.ceil(retryAfterMs / 1000);
    }
    if (retryAfterMs === undefined && kind.startsWith('azure-openai')) {
      retryAfterMs = retryAfterSeconds * 1000;
    }
    headers['retry-after'] = String(retryAfterSeconds);
    if (retryAfterMs !== undefined) headers['retry-after-ms'] = String(retryAfterMs);
  }
  let message = fault.message;
  if (message === undefined && status === 401) {
    const auth = exchange.entry.auth;
    const failure = auth.jsonWebToken
      ? 'invalid-token'
      : auth.scheme === 'none'
        ? 'missing'
        : 'invalid-key';
    message = authErrorMessage(family, failure, audience);
    if (auth.jsonWebToken) {
      headers['www-authenticate'] =
        'Bearer error="invalid_token", error_description="The access token has been revoked"';
    }
  }
  message ??= defaultErrorMessage(family, status, retryAfterSeconds);
  exchange.send(status, errorBody(family, status, message), headers);
  return true;
}
