import { randomUUID } from 'node:crypto';
import type { AuthFailure } from './authenticate-request.js';
import type { EndpointKind } from './endpoint-kind.js';

/** The error shapes the emulated services answer in. */
export type ErrorFamily = 'azure' | 'openai' | 'anthropic' | 'ollama' | 'identity';

/**
 * The error shape of an endpoint. Authentication errors on Foundry come from the Azure gateway
 * (`phase: 'gateway'`), model errors from Anthropic's service behind it.
 */
export function errorFamilyOf(kind: EndpointKind, phase: 'gateway' | 'model'): ErrorFamily {
  switch (kind) {
    case 'azure-openai':
    case 'azure-openai-v1':
    case 'metadata':
    case 'unknown':
    case 'authority':
      return 'azure';
    case 'anthropic-foundry':
      return phase === 'gateway' ? 'azure' : 'anthropic';
    case 'anthropic':
      return 'anthropic';
    case 'openai':
      return 'openai';
    case 'ollama':
      return 'ollama';
    case 'identity':
      return 'identity';
  }
}

/** The real message for a refused credential. */
export function authErrorMessage(
  family: ErrorFamily,
  failure: AuthFailure,
  audience: string,
): string {
  switch (family) {
    case 'anthropic':
      return failure === 'missing' ? 'x-api-key header is required' : 'invalid x-api-key';
    case 'openai':
      return failure === 'missing'
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.';
    default:
      if (failure === 'missing') {
        return 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.';
      }
      if (failure === 'invalid-key') {
        return 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';
      }
      return `Unauthorized. Access token is missing, invalid, audience is incorrect (${audience}), or have expired.`;
  }
}

/** A generic message for a status, in a family's words. */
export function defaultErrorMessage(
  family: ErrorFamily,
  status: number,
  retryAfterSeconds?: number,
): string {
  if (status === 429) {
    const after = retryAfterSeconds ?? 1;
    if (family === 'anthropic') return `Rate limit exceeded. Retry after ${after} seconds.`;
    if (family === 'openai')
      return `Rate limit reached for requests. Please try again in ${after}s.`;
    return `Rate limit is exceeded. Try again in ${after} seconds.`;
  }
  if (status === 529 || status === 503) {
    return family === 'anthropic'
      ? 'Overloaded'
      : 'The service is temporarily unable to process your request. Please try again later.';
  }
  if (status >= 500) {
    return family === 'anthropic'
      ? 'Internal server error'
      : 'The server had an error while processing your request. Sorry about that!';
  }
  if (status === 404) return 'Resource not found';
  return `Request failed with status ${status}.`;
}

/** An error body in a family's shape. `code` overrides the family's usual code. */
export function errorBody(
  family: ErrorFamily,
  status: number,
  message: string,
  code?: string,
): Record<string, unknown> {
  switch (family) {
    case 'azure':
      return { error: { code: code ?? azureCode(status), message } };
    case 'openai':
      return {
        error: { message, type: openAiType(status), param: null, code: code ?? openAiCode(status) },
      };
    case 'anthropic':
      return {
        type: 'error',
        error: { type: anthropicType(status), message },
        request_id: `req_${randomUUID().replaceAll('-', '')}`,
      };
    case 'ollama':
      return { error: message };
    case 'identity':
      return { statusCode: status, message, correlationId: randomUUID() };
  }
}

function azureCode(status: number): string {
  if (status === 500) return 'InternalServerError';
  if (status === 400) return 'BadRequest';
  return String(status);
}

function openAiType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function openAiCode(status: number): string | null {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'rate_limit_exceeded';
  return null;
}

function anthropicType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
    case 503:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}
