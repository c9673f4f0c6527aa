/** Where Azure resources' CAE challenges send clients (they name the public cloud, always). */
export const CHALLENGE_AUTHORIZATION_URI =
  'https://login.microsoftonline.com/common/oauth2/authorize';

/**
 * The claims a CAE challenge asks for once tokens were revoked at `revokedAtSeconds`:
 * `{"access_token":{"nbf":{"essential":true,"value":"<seconds>"}}}`.
 */
export function revocationClaims(revokedAtSeconds: number): string {
  return JSON.stringify({
    access_token: { nbf: { essential: true, value: String(revokedAtSeconds) } },
  });
}

/**
 * The `WWW-Authenticate` header an Azure resource answers a revoked token with (Continuous Access
 * Evaluation): `error="insufficient_claims"` and the claims, base64, to pass to `getToken`.
 */
export function claimsChallengeHeader(revokedAtSeconds: number): string {
  const claims = Buffer.from(revocationClaims(revokedAtSeconds)).toString('base64');
  return `Bearer realm="", authorization_uri="${CHALLENGE_AUTHORIZATION_URI}", error="insufficient_claims", claims="${claims}"`;
}

/** What a token request's `claims` parameter asks for. */
export interface ClaimsRequest {
  /** The `access_token.nbf.value`: the token must not be issued before it (epoch seconds). */
  notBefore?: number;
  /** `access_token.xms_cc.values`: the client's capabilities (MSAL sends `cp1` with CAE on). */
  clientCapabilities?: string[];
  /** Whether it asks for more than capabilities (a claims challenge being answered). */
  challenge: boolean;
}

/** Reads a `claims` form parameter (JSON, as MSAL sends it); `undefined` when it is not JSON. */
export function parseClaimsRequest(claims: string): ClaimsRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const accessToken = (parsed as Record<string, unknown>)['access_token'];
  const otherKeys = Object.keys(parsed).some((key) => key !== 'access_token');
  if (typeof accessToken !== 'object' || accessToken === null) return { challenge: otherKeys };
  const { nbf, xms_cc, ...rest } = accessToken as Record<string, unknown>;
  const request: ClaimsRequest = {
    challenge: otherKeys || nbf !== undefined || Object.keys(rest).length > 0,
  };
  const value =
    typeof nbf === 'object' && nbf !== null ? (nbf as Record<string, unknown>)['value'] : undefined;
  const notBefore = Number(value);
  if (value !== undefined && Number.isFinite(notBefore)) request.notBefore = Math.floor(notBefore);
  const values =
    typeof xms_cc === 'object' && xms_cc !== null
      ? (xms_cc as Record<string, unknown>)['values']
      : undefined;
  if (Array.isArray(values)) {
    request.clientCapabilities = values.filter(
      (entry): entry is string => typeof entry === 'string',
    );
  }
  return request;
}
