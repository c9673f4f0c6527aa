/** Expiry and issue time of a JWT access token, in epoch milliseconds (undefined when opaque). */
export function tokenTimes(token: string): { expiresAt?: number; issuedAt?: number } {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return {};
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as {
      exp?: unknown;
      iat?: unknown;
      nbf?: unknown;
    };
    const seconds = (value: unknown) => (typeof value === 'number' ? value * 1000 : undefined);
    const expiresAt = seconds(payload.exp);
    const issuedAt = seconds(payload.iat) ?? seconds(payload.nbf);
    return {
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(issuedAt === undefined ? {} : { issuedAt }),
    };
  } catch {
    return {};
  }
}

/**
 * How long before expiry a token should be replaced: half its lifetime, at least 1 s, at most
 * 5 minutes (a one-hour token is replaced 5 minutes ahead; a 3-second test token 1.5 s ahead).
 */
export function refreshAheadMs(token: string): number {
  const { expiresAt, issuedAt } = tokenTimes(token);
  if (expiresAt === undefined) return 0;
  const lifetime = issuedAt === undefined ? 60 * 60_000 : expiresAt - issuedAt;
  return Math.min(5 * 60_000, Math.max(1_000, lifetime / 2));
}
