import type { EmulatorState } from '../emulator-state.js';
import type { Exchange } from '../exchange.js';
import type { IssuedToken } from '../issued-token.js';

/** An answer a managed-identity shape gives instead of a token. */
export interface Refusal {
  status: number;
  /** JSON body, or text when `contentType` says so. */
  body: unknown;
  headers?: Record<string, string>;
  contentType?: string;
  /** The message to record in the request log. */
  message: string;
}

/** How one managed-identity shape checks a request and words its answers (internal). */
export interface ManagedIdentityProtocol {
  /** Checks the shape's secret or header and records `entry.auth`; a refusal if it fails. */
  authenticate(exchange: Exchange, state: EmulatorState): Refusal | undefined;
  /** Checks `api-version` (`null` when absent). */
  checkApiVersion(apiVersion: string | null, exchange: Exchange): Refusal | undefined;
  /** The answer when `resource` is missing. */
  missingResource(): Refusal;
  /** The answer when the requested user-assigned identity is not registered. */
  unknownIdentity(): Refusal;
  /** A last check once the request is otherwise fine (Azure Arc's challenge). */
  challenge?(exchange: Exchange, state: EmulatorState): Refusal | undefined;
  /** The success body, in the shape's own fields. */
  tokenBody(issued: IssuedToken, resource: string): Record<string, unknown>;
}

/** The first value of a request header. */
export function headerValue(exchange: Exchange, name: string): string | undefined {
  const value = exchange.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An OAuth-style error (`error`, `error_description`), as IMDS and its relatives answer. */
export function oauthRefusal(status: number, error: string, description: string): Refusal {
  return { status, body: { error, error_description: description }, message: description };
}

/** The body IMDS, Cloud Shell and Arc answer with (string numbers, as they send them). */
export function imdsStyleTokenBody(issued: IssuedToken, resource: string): Record<string, unknown> {
  const { claims } = issued;
  return {
    access_token: issued.token,
    refresh_token: '',
    expires_in: String(claims.exp - claims.iat),
    expires_on: String(claims.exp),
    not_before: String(claims.nbf),
    resource,
    token_type: 'Bearer',
    client_id: claims.client_id,
  };
}

/** IMDS's answer, and its relatives', when `Metadata: true` is missing. */
export function metadataRefusal(exchange: Exchange): Refusal | undefined {
  const metadata = headerValue(exchange, 'metadata');
  exchange.entry.auth = {
    scheme: metadata === undefined ? 'none' : 'metadata',
    accepted: metadata === 'true',
    ...(metadata === undefined ? {} : { header: 'metadata' }),
    ...(metadata === 'true' ? {} : { reason: 'missing Metadata: true' }),
  };
  if (metadata === 'true') return undefined;
  return oauthRefusal(400, 'bad_request_102', 'Required metadata header not specified');
}
