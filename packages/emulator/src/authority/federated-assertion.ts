import { randomUUID } from 'node:crypto';
import {
  type DecodedJsonWebToken,
  hasValidSignature,
  signJsonWebToken,
} from '../json-web-token.js';
import type { SigningKey } from '../signing-key.js';
import { deterministicGuid } from '../token-issuer.js';
import { type RegisteredApplication, TOKEN_EXCHANGE_AUDIENCE } from './applications.js';
import { authorityErrors } from './authority-errors.js';
import { type AssertionCheck, checkTimeRange } from './client-assertion.js';

/** The service account the emulator's default federated token names. */
export const DEFAULT_SERVICE_ACCOUNT_SUBJECT = 'system:serviceaccount:default:bots';

/** What a service-account token is issued with. */
export interface ServiceAccountTokenRequest {
  issuer: string;
  subject: string;
  audience: string;
  lifetimeSeconds: number;
  nowSeconds: number;
}

/**
 * Issues a token in the shape of a projected Kubernetes service-account token (what AKS writes to
 * `AZURE_FEDERATED_TOKEN_FILE`), signed with the emulator's key.
 */
export function issueServiceAccountToken(
  signingKey: SigningKey,
  request: ServiceAccountTokenRequest,
): string {
  const [, namespace = 'default', name = 'default'] =
    /^system:serviceaccount:([^:]+):([^:]+)$/.exec(request.subject) ?? [];
  return signJsonWebToken(
    {
      aud: [request.audience],
      exp: request.nowSeconds + request.lifetimeSeconds,
      iat: request.nowSeconds,
      iss: request.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace,
        serviceaccount: { name, uid: deterministicGuid(`service-account:${request.subject}`) },
      },
      nbf: request.nowSeconds,
      sub: request.subject,
    },
    signingKey.privateKey,
    signingKey.keyId,
  );
}

/**
 * Checks a federated assertion (workload identity): signed by the emulator's key, within its time
 * range, and matching one of the application's federated credentials by issuer, subject and
 * audience.
 */
export function verifyFederatedAssertion(
  decoded: DecodedJsonWebToken,
  application: RegisteredApplication,
  signingKey: SigningKey,
  nowSeconds: number,
): AssertionCheck {
  const { header, payload } = decoded;
  if (
    header['alg'] !== 'RS256' ||
    header['kid'] !== signingKey.keyId ||
    !hasValidSignature(decoded, signingKey.publicKey)
  ) {
    return {
      ok: false,
      reason: 'invalid signature',
      failure: authorityErrors.invalidAssertion(
        `The key used to sign the assertion (kid '${String(header['kid'])}') was not found at the issuer.`,
        application.clientId,
      ),
    };
  }
  const time = checkTimeRange(payload, nowSeconds);
  if (!time.ok) return time;
  const issuer = String(payload['iss'] ?? '');
  const subject = String(payload['sub'] ?? '');
  const audiences = (Array.isArray(payload['aud']) ? payload['aud'] : [payload['aud']]).filter(
    (audience): audience is string => typeof audience === 'string',
  );
  const matches = application.federatedCredentials.some(
    (credential) =>
      credential.issuer === issuer &&
      (credential.subject === undefined || credential.subject === subject) &&
      audiences.some((audience) => credential.audiences.includes(audience)),
  );
  if (!matches) {
    return {
      ok: false,
      reason: 'no matching federated credential',
      failure: authorityErrors.noFederatedRecord(
        issuer,
        subject,
        audiences.join(', ') || TOKEN_EXCHANGE_AUDIENCE,
      ),
    };
  }
  return { ok: true };
}
