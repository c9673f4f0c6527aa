import { constants, type KeyObject, verify } from 'node:crypto';
import type { DecodedJsonWebToken } from '../json-web-token.js';
import type { RegisteredApplication } from './applications.js';
import { type AuthorityError, authorityErrors } from './authority-errors.js';

/** The outcome of checking a client assertion. */
export type AssertionCheck =
  | { ok: true }
  | {
      ok: false;
      failure: AuthorityError;
      /** A short reason for the request log. */
      reason: string;
    };

/** What a certificate assertion is checked against. */
export interface CertificateAssertionContext {
  /** The `client_id` of the request: the assertion's `iss` and `sub`. */
  clientId: string;
  /** The token endpoint's URL: the assertion's `aud`. */
  tokenEndpoint: string;
  /** Now, in seconds since the epoch. */
  nowSeconds: number;
}

/**
 * Checks a certificate client assertion (RFC 7523, as MSAL makes it): signed PS256 or RS256 by
 * the application's registered certificate, named by `x5t#S256` (or `x5t`), `aud` the token
 * endpoint, `iss` = `sub` = the client id, `exp` in the future and `nbf` not.
 */
export function verifyCertificateAssertion(
  decoded: DecodedJsonWebToken,
  application: RegisteredApplication,
  context: CertificateAssertionContext,
): AssertionCheck {
  const refuse = (reason: string, detail: string): AssertionCheck => ({
    ok: false,
    reason,
    failure: authorityErrors.invalidAssertion(detail, application.clientId),
  });
  const { header, payload } = decoded;
  const presented = thumbprintOf(header);
  const certificate = application.certificate;
  if (certificate === undefined) {
    return refuse(
      'no certificate registered',
      `The key was not found., Thumbprint of key used by client: '${presented ?? ''}'`,
    );
  }
  const registered = typeof header['x5t#S256'] === 'string' ? certificate.sha256 : certificate.sha1;
  if (presented === undefined || presented !== registered) {
    return refuse(
      'certificate not registered',
      `The key was not found., Thumbprint of key used by client: '${presented ?? ''}'`,
    );
  }
  if (!signatureIsValid(decoded, certificate.x509.publicKey)) {
    return refuse(
      'invalid signature',
      `The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${presented}'`,
    );
  }
  if (payload['aud'] !== context.tokenEndpoint) {
    return refuse(
      'wrong audience',
      `The audience claim '${String(payload['aud'])}' is not the token endpoint '${context.tokenEndpoint}'`,
    );
  }
  if (payload['iss'] !== context.clientId || payload['sub'] !== context.clientId) {
    return refuse(
      'issuer or subject is not the client id',
      `The issuer and subject claims must both be the client id '${context.clientId}'`,
    );
  }
  return checkTimeRange(payload, context.nowSeconds);
}

/**
 * Clock skew allowed for an assertion's `nbf`, in seconds. MSAL rounds the time to the nearest
 * second (`Math.round`), so its `nbf` can be half a second ahead of a server that floors; Entra ID
 * allows minutes of skew.
 */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;

/** Checks `exp` (required, in the future) and `nbf` (optional, not ahead beyond the skew). */
export function checkTimeRange(
  payload: Record<string, unknown>,
  nowSeconds: number,
): AssertionCheck {
  const exp = payload['exp'];
  const nbf = typeof payload['nbf'] === 'number' ? payload['nbf'] : 0;
  if (
    typeof exp !== 'number' ||
    exp <= nowSeconds ||
    nbf > nowSeconds + ASSERTION_CLOCK_SKEW_SECONDS
  ) {
    return {
      ok: false,
      reason:
        typeof exp === 'number' && exp <= nowSeconds
          ? 'assertion expired'
          : 'assertion not yet valid',
      failure: authorityErrors.assertionTime(
        new Date(nowSeconds * 1000),
        new Date(nbf * 1000),
        new Date((typeof exp === 'number' ? exp : 0) * 1000),
      ),
    };
  }
  return { ok: true };
}

/** The thumbprint an assertion's header names, hex upper-case; `undefined` when none. */
function thumbprintOf(header: Record<string, unknown>): string | undefined {
  const value = header['x5t#S256'] ?? header['x5t'];
  if (typeof value !== 'string' || value === '') return undefined;
  return Buffer.from(value, 'base64url').toString('hex').toUpperCase();
}

function signatureIsValid(decoded: DecodedJsonWebToken, publicKey: KeyObject): boolean {
  const data = Buffer.from(decoded.signingInput);
  switch (decoded.header['alg']) {
    case 'PS256':
      return verify(
        'sha256',
        data,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        decoded.signature,
      );
    case 'RS256':
      return verify('sha256', data, publicKey, decoded.signature);
    default:
      return false;
  }
}
