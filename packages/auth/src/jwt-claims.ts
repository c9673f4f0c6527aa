/**
 * The claims of a JWT access token, as far as this library reads them. Decoded without checking
 * the signature: for display and for timing a refresh, never to trust the token.
 */
export interface JwtClaims {
  /** The audience (`aud`): who the token is for, e.g. `https://cognitiveservices.azure.com`. */
  aud?: unknown;
  /** Expiry (`exp`), in seconds since the epoch. */
  exp?: unknown;
  /** Issue time (`iat`), in seconds since the epoch. */
  iat?: unknown;
  /** Not before (`nbf`), in seconds since the epoch. */
  nbf?: unknown;
  /** Every other claim (`tid`, `oid`, `appid`, ...), as in the token. */
  [claim: string]: unknown;
}

/**
 * The payload of a JWT (`header.payload.signature`), decoded without checking it, or
 * `undefined` when `token` is not a JWT (an opaque token, a key).
 */
export function readJwtClaims(token: string): JwtClaims | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as JwtClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When a JWT expires, in milliseconds since the epoch (its `exp` claim), or `undefined` for a
 * token that is not a JWT or has no numeric `exp`.
 */
export function jwtExpiresOn(token: string): number | undefined {
  const expiry = readJwtClaims(token)?.exp;
  return typeof expiry === 'number' && Number.isFinite(expiry) ? expiry * 1000 : undefined;
}
