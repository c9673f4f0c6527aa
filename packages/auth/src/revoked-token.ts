import { AuthenticationError } from './errors.js';
import { readJwtClaims } from './jwt-claims.js';

/** How long before expiry MSAL's cache stops handing out a token (its 5-minute buffer). */
export const MSAL_EXPIRY_BUFFER_MS = 5 * 60_000;

/**
 * The `nbf` a claims challenge asks for (`{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}`),
 * in seconds since the epoch, or `undefined` when it names none.
 */
export function challengeNotBefore(claims: string): number | undefined {
  try {
    const parsed = JSON.parse(claims) as { access_token?: { nbf?: { value?: unknown } } };
    const value = Number(parsed?.access_token?.nbf?.value);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a token fetched to answer a claims challenge is still the revoked one: the very token
 * that was rejected, or one issued (`iat`) before the challenge's `nbf`.
 */
export function isStillRevoked(
  token: string,
  rejectedToken: string | undefined,
  claims: string,
): boolean {
  if (rejectedToken !== undefined && token === rejectedToken) return true;
  const notBefore = challengeNotBefore(claims);
  const issuedAt = readJwtClaims(token)?.iat;
  return notBefore !== undefined && typeof issuedAt === 'number' && issuedAt < notBefore;
}

/**
 * The error for a credential that answered a claims challenge with the revoked token again, as
 * `ManagedIdentityCredential` does: `@azure/identity` passes no claims to MSAL for managed
 * identity, and MSAL's process-wide cache answers until 5 minutes before the token expires.
 */
export function revokedTokenError(options: {
  label: string;
  sameToken: boolean;
  expiresOnTimestamp: number;
  now: number;
}): AuthenticationError {
  const replaceableAt = options.expiresOnTimestamp - MSAL_EXPIRY_BUFFER_MS;
  const minutes = Math.max(0, Math.ceil((replaceableAt - options.now) / 60_000));
  const when = Number.isFinite(replaceableAt)
    ? `at ${new Date(replaceableAt).toISOString()} (in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, 5 minutes before it expires)`
    : 'once its cache lets it go';
  return new AuthenticationError(
    `The endpoint revoked the token of the ${options.label} (Continuous Access Evaluation: a 401 with a claims challenge), and the credential, asked for a new token with the challenge's claims, gave ${options.sameToken ? 'the same token again' : 'a token issued before the revocation'}. It cannot fetch a new token before its cache lets go of this one: a managed-identity credential cannot (@azure/identity passes no claims to MSAL for managed identity, and MSAL keeps one token cache per process). The cached token can be replaced ${when}. Restart the process to get a new token now, or wait until then.`,
  );
}
