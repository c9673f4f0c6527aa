import { applyFault } from './apply-fault.js';
import type { EmulatorState } from './emulator-state.js';
import { errorBody } from './error-bodies.js';
import type { Exchange } from './exchange.js';
import { fingerprint } from './secret-masking.js';
import { deterministicGuid } from './token-issuer.js';

/** The `api-version` of the App Service managed-identity protocol that `@azure/msal-node` speaks. */
export const IDENTITY_API_VERSION = '2019-08-01';

/**
 * Serves `GET /msi/token?resource=...&api-version=2019-08-01[&client_id=...]` with the
 * `X-IDENTITY-HEADER` secret, as App Service does.
 */
export async function handleIdentityRequest(
  exchange: Exchange,
  state: EmulatorState,
): Promise<void> {
  state.counters.tokenRequests += 1;
  const secret = exchange.request.headers['x-identity-header'];
  const presented = Array.isArray(secret) ? secret[0] : secret;
  const accepted = presented === state.identityHeader;
  exchange.entry.auth = {
    scheme: presented === undefined ? 'none' : 'identity-header',
    accepted,
    ...(presented === undefined
      ? {}
      : { header: 'x-identity-header', fingerprint: fingerprint(presented) }),
    ...(accepted
      ? {}
      : {
          reason:
            presented === undefined
              ? 'missing X-IDENTITY-HEADER'
              : 'X-IDENTITY-HEADER does not match IDENTITY_HEADER',
        }),
  };
  const fault = state.faults.take('identity');
  if (fault !== undefined && (await applyFault(exchange, fault, 'identity', ''))) return;

  const fail = (status: number, message: string) =>
    exchange.send(status, errorBody('identity', status, message));
  if (!accepted) {
    return fail(
      401,
      presented === undefined
        ? 'The X-IDENTITY-HEADER header is required. Send the value of the IDENTITY_HEADER environment variable.'
        : 'The X-IDENTITY-HEADER header does not match. Send the value of the IDENTITY_HEADER environment variable.',
    );
  }
  const query = exchange.url.searchParams;
  const apiVersion = query.get('api-version');
  if (apiVersion !== IDENTITY_API_VERSION) {
    return fail(
      400,
      apiVersion === null
        ? `The api-version query parameter is required; use ${IDENTITY_API_VERSION}.`
        : `The api-version ${apiVersion} is not supported; use ${IDENTITY_API_VERSION}.`,
    );
  }
  const resource = query.get('resource');
  if (resource === null || resource.trim() === '') {
    return fail(400, 'The resource query parameter is required.');
  }
  const userAssigned =
    query.get('client_id') ??
    mapped(query.get('object_id') ?? query.get('principal_id'), 'object') ??
    mapped(query.get('mi_res_id'), 'resource');
  const issued = state.issuer.issue({
    audience: resource,
    ...(userAssigned === undefined ? {} : { clientId: userAssigned }),
  });
  exchange.entry.issuedToken = {
    tokenId: issued.tokenId,
    audience: issued.claims.aud,
    clientId: issued.claims.client_id,
    expiresAt: issued.claims.exp,
  };
  exchange.send(200, {
    access_token: issued.token,
    expires_on: String(issued.claims.exp),
    resource,
    token_type: 'Bearer',
    client_id: issued.claims.client_id,
  });
}

function mapped(value: string | null, kind: string): string | undefined {
  return value === null ? undefined : deterministicGuid(`${kind}:${value}`);
}
