import type { RequestListener } from 'node:http';
import type { EmulatorState } from '../emulator-state.js';
import { Exchange } from '../exchange.js';
import { authorityErrorBody, authorityErrors } from './authority-errors.js';
import type { AuthorityRequestSummary } from './authority-request-summary.js';
import { requestOrigin } from './authority-state.js';
import { instanceDiscovery, openIdConfiguration } from './discovery.js';
import { handleTokenRequest } from './token-endpoint.js';

type AuthorityAction = AuthorityRequestSummary['action'];

/** What a path of the authority serves: the action, its method and the tenant in the path. */
export function matchAuthorityRoute(
  pathname: string,
): { action: AuthorityAction; method: 'GET' | 'POST'; tenant: string } | undefined {
  const match =
    /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys|discovery\/instance)\/?$/.exec(
      pathname,
    );
  if (match === null) return undefined;
  const tenant = decodeURIComponent(match[1]!);
  switch (match[2]) {
    case 'oauth2/v2.0/token':
      return { action: 'token', method: 'POST', tenant };
    case 'discovery/v2.0/keys':
      return { action: 'keys', method: 'GET', tenant };
    case 'discovery/instance':
      return { action: 'instance-discovery', method: 'GET', tenant };
    default:
      return { action: 'openid-configuration', method: 'GET', tenant };
  }
}

/** The HTTP handler of the authority's (https) listener (internal). */
export function createAuthorityHandler(state: EmulatorState): RequestListener {
  return (request, response) => {
    const exchange = new Exchange(request, response, state, 'authority');
    serve(exchange, state).catch((error: unknown) => {
      if (exchange.gone) return;
      const message = error instanceof Error ? error.message : String(error);
      exchange.send(500, {
        error: 'server_error',
        error_description: `Emulator failure: ${message}`,
      });
    });
  };
}

async function serve(exchange: Exchange, state: EmulatorState): Promise<void> {
  const route = matchAuthorityRoute(exchange.url.pathname);
  if (route === undefined) {
    return exchange.send(404, { error: 'not_found', error_description: 'No such endpoint.' });
  }
  if (exchange.request.method !== route.method) {
    return exchange.send(
      405,
      { error: 'invalid_request', error_description: `Use ${route.method} here.` },
      { allow: route.method },
    );
  }
  if (route.action === 'token') return handleTokenRequest(exchange, state, route.tenant);
  const summary: AuthorityRequestSummary = {
    action: route.action,
    tenant: route.tenant,
    outcome: 'answered',
  };
  exchange.entry.authority = summary;
  const { tenants } = state.authority;
  const url = requestOrigin(state.authority, exchange.request.headers.host);
  if (route.action === 'instance-discovery') {
    return exchange.send(
      200,
      instanceDiscovery(url, exchange.url.searchParams.get('authorization_endpoint')),
    );
  }
  const known = tenants.has(route.tenant.toLowerCase()) || route.tenant === 'common';
  if (!known) {
    summary.outcome = 'refused';
    summary.reason = 'unknown tenant';
    summary.errorCode = 90002;
    return exchange.send(
      400,
      authorityErrorBody(authorityErrors.unknownTenant(route.tenant), new Date(state.clock())),
    );
  }
  if (route.action === 'keys') return exchange.send(200, { keys: [state.signingKey.publicJwk] });
  return exchange.send(200, openIdConfiguration(url, route.tenant));
}
