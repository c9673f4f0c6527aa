import { fingerprint } from '../secret-masking.js';
import { apiVersionRefusal, appServiceRefusal } from './app-service-protocol.js';
import { headerValue, type ManagedIdentityProtocol } from './protocol.js';

/**
 * Azure Machine Learning (2017-09-01, App Service's older protocol): `Metadata: true`, the
 * `secret` header (`MSI_SECRET`), and `clientid` (client ids only), which msal-node also sends for
 * the system-assigned identity (from `DEFAULT_IDENTITY_CLIENT_ID`).
 */
export const azureMlProtocol: ManagedIdentityProtocol = {
  authenticate(exchange, state) {
    const presented = headerValue(exchange, 'secret');
    const accepted = presented === state.managedIdentity.azureMlSecret;
    exchange.entry.auth = {
      scheme: presented === undefined ? 'none' : 'secret-header',
      accepted,
      ...(presented === undefined ? {} : { header: 'secret', fingerprint: fingerprint(presented) }),
      ...(accepted
        ? {}
        : {
            reason: presented === undefined ? 'missing secret' : 'secret does not match MSI_SECRET',
          }),
    };
    if (accepted) return undefined;
    // The real endpoint answers in plain text, echoing the header; the emulator leaves it out.
    const message = 'Invalid secret token header: ';
    return { status: 401, body: message, contentType: 'text/plain', message };
  },
  checkApiVersion: (apiVersion, exchange) => apiVersionRefusal(apiVersion, exchange, '2017-09-01'),
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
