import type { IncomingHttpHeaders } from 'node:http';
import { audienceMatches } from './audience.js';
import type { AuthSummary } from './auth-summary.js';
import type { TokenVerification } from './issued-token.js';
import { looksLikeJsonWebToken } from './json-web-token.js';
import { fingerprint } from './secret-masking.js';

/** A named API key an endpoint accepts. */
export interface NamedKey {
  name: string;
  value: string;
}

/** How one endpoint authenticates. */
export interface AuthPolicy {
  /** Whether a request without credentials is refused. */
  required: boolean;
  /** Headers that carry an API key, in order of precedence. */
  keyHeaders: readonly string[];
  /** The keys accepted. */
  keys: readonly NamedKey[];
  /** Whether an API key sent as `Authorization: Bearer <key>` is accepted. */
  bearerKeys: boolean;
  /** Audiences of JWTs accepted as bearer tokens; empty when bearer JWTs are not accepted. */
  audiences: readonly string[];
}

/** Why authentication failed, which picks the real error message. */
export type AuthFailure = 'missing' | 'invalid-key' | 'invalid-token';

/** The outcome of authenticating one request. */
export interface AuthOutcome {
  summary: AuthSummary;
  failure?: AuthFailure;
}

/** Decides whether a request's credentials are acceptable to an endpoint. */
export function authenticateRequest(
  headers: IncomingHttpHeaders,
  policy: AuthPolicy,
  verifyToken: (token: string) => TokenVerification,
): AuthOutcome {
  for (const header of policy.keyHeaders) {
    const value = headerValue(headers, header);
    if (value === undefined) continue;
    return checkKey(value, { scheme: 'api-key', header }, policy);
  }
  const authorization = headerValue(headers, 'authorization');
  if (authorization !== undefined) {
    const match = /^bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) {
      return refuse(
        { scheme: 'bearer', header: 'authorization', fingerprint: fingerprint(authorization) },
        'authorization header is not a bearer credential',
        policy.required ? 'invalid-token' : undefined,
      );
    }
    const credential = match[1]!;
    if (looksLikeJsonWebToken(credential) && policy.audiences.length > 0) {
      return checkToken(credential, policy, verifyToken);
    }
    if (policy.bearerKeys || !policy.required) {
      return checkKey(credential, { scheme: 'bearer', header: 'authorization' }, policy);
    }
    return refuse(
      {
        scheme: 'bearer',
        header: 'authorization',
        fingerprint: fingerprint(credential),
        jsonWebToken: looksLikeJsonWebToken(credential),
      },
      policy.audiences.length > 0
        ? 'bearer credential is not a JWT'
        : 'bearer credentials are not accepted by this endpoint',
      'invalid-token',
    );
  }
  if (!policy.required) return { summary: { scheme: 'none', accepted: true } };
  return refuse({ scheme: 'none' }, 'no credentials', 'missing');
}

function checkKey(
  value: string,
  base: Pick<AuthSummary, 'scheme' | 'header'>,
  policy: AuthPolicy,
): AuthOutcome {
  const summary: AuthSummary = {
    ...base,
    accepted: false,
    fingerprint: fingerprint(value),
    ...(base.scheme === 'bearer' ? { jsonWebToken: false } : {}),
  };
  if (!policy.required) return { summary: { ...summary, accepted: true } };
  const key = policy.keys.find((candidate) => candidate.value === value);
  if (key === undefined) return refuse(summary, 'invalid key', 'invalid-key');
  return { summary: { ...summary, accepted: true, keyName: key.name } };
}

function checkToken(
  token: string,
  policy: AuthPolicy,
  verifyToken: (token: string) => TokenVerification,
): AuthOutcome {
  const verification = verifyToken(token);
  const claims = verification.claims;
  const summary: AuthSummary = {
    scheme: 'bearer',
    header: 'authorization',
    accepted: false,
    fingerprint: fingerprint(token),
    jsonWebToken: true,
  };
  if (typeof claims?.aud === 'string') summary.audience = claims.aud;
  if (typeof claims?.jti === 'string') summary.tokenId = claims.jti;
  if (typeof claims?.appid === 'string') summary.clientId = claims.appid;
  if (typeof claims?.exp === 'number') summary.expiresAt = claims.exp;
  summary.expired = verification.reason === 'token expired';
  if (!verification.valid) {
    return refuse(summary, verification.reason ?? 'invalid token', 'invalid-token');
  }
  if (typeof claims?.aud !== 'string' || !audienceMatches(claims.aud, policy.audiences)) {
    return refuse(
      summary,
      `wrong audience ${JSON.stringify(claims?.aud)}; expected one of ${policy.audiences.join(', ')}`,
      'invalid-token',
    );
  }
  return { summary: { ...summary, accepted: true } };
}

function refuse(
  summary: Omit<AuthSummary, 'accepted'> & { accepted?: boolean },
  reason: string,
  failure: AuthFailure | undefined,
): AuthOutcome {
  const refused: AuthSummary = { ...summary, accepted: failure === undefined, reason };
  return failure === undefined ? { summary: refused } : { summary: refused, failure };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined || value === '' ? undefined : value;
}
