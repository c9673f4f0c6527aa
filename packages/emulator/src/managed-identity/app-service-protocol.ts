import { randomUUID } from 'node:crypto';
import type { Exchange } from '../exchange.js';
import { fingerprint } from '../secret-masking.js';
import { headerValue, type ManagedIdentityProtocol, type Refusal } from './protocol.js';

/** App Service's error body, `{ statusCode, message, correlationId }`. */
export function appServiceRefusal(status: number, message: string): Refusal {
  return { status, body: { statusCode: status, message, correlationId: randomUUID() }, message };
}

/** The ASP.NET API-versioning errors App Service's token service (Kestrel) answers with. */
export function apiVersionRefusal(
  apiVersion: string | null,
  exchange: Exchange,
  supported: string,
): Refusal | undefined {
  if (apiVersion === supported) return undefined;
  const error =
    apiVersion === null
      ? {
          code: 'ApiVersionUnspecified',
          message: 'An API version is required, but was not specified.',
        }
      : {
          code: 'UnsupportedApiVersion',
          message: `The HTTP resource that matches the request URI '${requestUri(exchange)}' does not support the API version '${apiVersion}'.`,
        };
  return { status: 400, body: { error: { ...error, innerError: null } }, message: error.message };
}

/** App Service (2019-08-01): the `X-IDENTITY-HEADER` secret, `client_id`/`mi_res_id`/`object_id`. */
export const appServiceProtocol: ManagedIdentityProtocol = {
  authenticate(exchange, state) {
    const presented = headerValue(exchange, 'x-identity-header');
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
    if (accepted) return undefined;
    // The 2019-08-01 API answers 403 (the 2017 one 401) for a wrong or missing header.
    return appServiceRefusal(
      403,
      presented === undefined
        ? 'The X-IDENTITY-HEADER header is required. Send the value of the IDENTITY_HEADER environment variable.'
        : 'The X-IDENTITY-HEADER header does not match. Send the value of the IDENTITY_HEADER environment variable.',
    );
  },
  checkApiVersion: (apiVersion, exchange) => apiVersionRefusal(apiVersion, exchange, '2019-08-01'),
  missingResource: () => appServiceRefusal(400, 'The resource query parameter is required.'),
  unknownIdentity: () => appServiceRefusal(400, 'Unable to load the proper Managed Identity.'),
  tokenBody: (issued, resource) => ({
    access_token: issued.token,
    expires_on: String(issued.claims.exp),
    resource,
    token_type: 'Bearer',
    client_id: issued.claims.client_id,
  }),
};

function requestUri(exchange: Exchange): string {
  const host = exchange.request.headers.host ?? 'localhost';
  return `http://${host}${exchange.request.url ?? '/'}`;
}
