import { timingSafeEqual } from 'node:crypto';
import { applyFault } from '../apply-fault.js';
import type { EmulatorState } from '../emulator-state.js';
import type { Exchange } from '../exchange.js';
import { decodeJsonWebToken } from '../json-web-token.js';
import { readForm } from '../read-form.js';
import { fingerprint } from '../secret-masking.js';
import type { RegisteredApplication } from './applications.js';
import { type AuthorityError, authorityErrorBody, authorityErrors } from './authority-errors.js';
import type { AuthorityRequestSummary } from './authority-request-summary.js';
import { findApplication, requestOrigin } from './authority-state.js';
import { type ClaimsRequest, parseClaimsRequest } from './claims-challenge.js';
import { type AssertionCheck, verifyCertificateAssertion } from './client-assertion.js';
import { verifyFederatedAssertion } from './federated-assertion.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const MAX_FORM_BYTES = 1024 * 1024;

/**
 * Serves `POST /{tenant}/oauth2/v2.0/token` for `grant_type=client_credentials`, with a client
 * secret, a certificate assertion or a federated assertion, and an optional `claims` parameter.
 */
export async function handleTokenRequest(
  exchange: Exchange,
  state: EmulatorState,
  tenant: string,
): Promise<void> {
  state.counters.tokenRequests += 1;
  const summary: AuthorityRequestSummary = { action: 'token', tenant, outcome: 'refused' };
  exchange.entry.authority = summary;
  const fault = state.faults.take('authority');
  if (fault !== undefined && (await applyFault(exchange, fault, 'authority', ''))) {
    summary.reason = 'injected fault';
    return;
  }
  const now = state.clock();
  const refuse = (failure: AuthorityError, reason: string) => {
    summary.reason = reason;
    summary.errorCode = failure.code;
    const correlation = exchange.request.headers['client-request-id'];
    const correlationId = typeof correlation === 'string' ? correlation : undefined;
    exchange.send(failure.status, authorityErrorBody(failure, new Date(now), correlationId));
  };
  const form = await readForm(exchange, MAX_FORM_BYTES);
  if (form === undefined)
    return refuse(authorityErrors.missingParameter('grant_type'), 'unreadable form body');
  useBasicCredentials(form, exchange.request.headers.authorization);
  const grant = form.get('grant_type') ?? '';
  const clientId = form.get('client_id') ?? '';
  summary.grant = grant;
  if (clientId !== '') summary.clientId = clientId;
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  summary.credential = credentialKind(secret, assertion);
  const presented = secret ?? assertion;
  if (presented !== null) summary.credentialFingerprint = fingerprint(presented);
  const scope = form.get('scope');
  if (scope !== null) summary.scope = scope;
  const claims = form.get('claims');
  let claimsRequest: ClaimsRequest | undefined;
  if (claims !== null && claims !== '') {
    claimsRequest = parseClaimsRequest(claims);
    summary.claimsChallenge = claimsRequest?.challenge ?? true;
    if (claimsRequest?.clientCapabilities !== undefined) {
      summary.clientCapabilities = claimsRequest.clientCapabilities;
    }
  }

  if (!state.authority.tenants.has(tenant.toLowerCase())) {
    return refuse(authorityErrors.unknownTenant(tenant), 'unknown tenant');
  }
  if (grant === '') return refuse(authorityErrors.missingParameter('grant_type'), 'no grant_type');
  if (grant !== 'client_credentials') {
    return refuse(authorityErrors.unsupportedGrant(grant), 'unsupported grant');
  }
  if (claims !== null && claims !== '' && claimsRequest === undefined) {
    return refuse(authorityErrors.missingParameter('claims'), 'claims is not JSON');
  }
  const resourceScope = (scope ?? '')
    .split(/\s+/)
    .filter((entry) => entry !== '' && !OIDC_SCOPES.has(entry));
  if (resourceScope.length === 0) return refuse(authorityErrors.missingScope(), 'no scope');
  const defaultScope = resourceScope[0]!;
  if (resourceScope.length > 1 || !defaultScope.endsWith('/.default')) {
    return refuse(
      authorityErrors.invalidScope(resourceScope.join(' ')),
      'scope is not <resource>/.default',
    );
  }
  if (clientId === '') return refuse(authorityErrors.missingParameter('client_id'), 'no client_id');
  const application = findApplication(state.authority, tenant, clientId);
  if (application === undefined) {
    return refuse(authorityErrors.unknownApplication(clientId, tenant), 'unknown application');
  }

  const origin = requestOrigin(state.authority, exchange.request.headers.host);
  const tokenEndpoint = `${origin}/${tenant}/oauth2/v2.0/token`;
  const check = authenticateClient(form, application, state, tokenEndpoint, summary, now);
  if (!check.ok) return refuse(check.failure, check.reason);

  const issued = state.issuer.issue({
    audience: defaultScope,
    clientId: application.clientId,
    tenantId: application.tenantId,
    ...(claimsRequest?.notBefore === undefined
      ? {}
      : { issuedNoEarlierThan: claimsRequest.notBefore }),
    extraClaims: {
      azp: application.clientId,
      ...(claimsRequest?.clientCapabilities?.length
        ? { xms_cc: claimsRequest.clientCapabilities }
        : {}),
    },
  });
  summary.outcome = 'issued';
  exchange.entry.issuedToken = {
    tokenId: issued.tokenId,
    audience: issued.claims.aud,
    clientId: issued.claims.client_id,
    expiresAt: issued.claims.exp,
  };
  const lifetime = issued.claims.exp - Math.floor(now / 1000);
  exchange.send(200, {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    // Entra ID asks clients to refresh long-lived tokens half-way through.
    ...(lifetime >= 7200 ? { refresh_in: Math.floor(lifetime / 2) } : {}),
    access_token: issued.token,
  });
}

function authenticateClient(
  form: URLSearchParams,
  application: RegisteredApplication,
  state: EmulatorState,
  tokenEndpoint: string,
  summary: AuthorityRequestSummary,
  now: number,
): AssertionCheck {
  const secret = form.get('client_secret');
  if (secret !== null) {
    if (application.secret !== undefined && sameSecret(secret, application.secret))
      return { ok: true };
    return {
      ok: false,
      reason: 'invalid secret',
      failure: authorityErrors.invalidSecret(application.clientId),
    };
  }
  const assertion = form.get('client_assertion');
  if (assertion === null) {
    return { ok: false, reason: 'no credential', failure: authorityErrors.missingCredential() };
  }
  if (form.get('client_assertion_type') !== JWT_BEARER) {
    return {
      ok: false,
      reason: 'client_assertion_type is not jwt-bearer',
      failure: authorityErrors.missingParameter('client_assertion_type'),
    };
  }
  const decoded = decodeJsonWebToken(assertion);
  if (decoded === undefined) {
    return {
      ok: false,
      reason: 'malformed assertion',
      failure: authorityErrors.malformedAssertion(),
    };
  }
  const nowSeconds = Math.floor(now / 1000);
  const isCertificateAssertion =
    decoded.header['x5t#S256'] !== undefined || decoded.header['x5t'] !== undefined;
  summary.credential = isCertificateAssertion ? 'certificate' : 'federated';
  if (isCertificateAssertion) {
    return verifyCertificateAssertion(decoded, application, {
      clientId: form.get('client_id') ?? '',
      tokenEndpoint,
      nowSeconds,
    });
  }
  return verifyFederatedAssertion(decoded, application, state.signingKey, nowSeconds);
}

function credentialKind(
  secret: string | null,
  assertion: string | null,
): NonNullable<AuthorityRequestSummary['credential']> {
  if (secret !== null) return 'secret';
  if (assertion === null) return 'none';
  const header = decodeJsonWebToken(assertion)?.header;
  return header?.['x5t#S256'] !== undefined || header?.['x5t'] !== undefined
    ? 'certificate'
    : 'federated';
}

/** `client_secret_basic`: the client id and secret in `Authorization: Basic` (form-encoded). */
function useBasicCredentials(form: URLSearchParams, authorization: string | undefined): void {
  const match = /^basic\s+(\S+)$/i.exec(authorization ?? '');
  if (match === null || form.has('client_secret')) return;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return;
  const formDecode = (value: string) => new URLSearchParams(`v=${value}`).get('v') ?? '';
  if (!form.has('client_id')) form.set('client_id', formDecode(decoded.slice(0, colon)));
  form.set('client_secret', formDecode(decoded.slice(colon + 1)));
}

function sameSecret(presented: string, registered: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(registered);
  return a.length === b.length && timingSafeEqual(a, b);
}
