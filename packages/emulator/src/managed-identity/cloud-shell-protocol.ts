import {
  imdsStyleTokenBody,
  type ManagedIdentityProtocol,
  metadataRefusal,
  oauthRefusal,
} from './protocol.js';

/**
 * Cloud Shell: `POST` with a form body (`resource=`), `Metadata: true`, no `api-version`, and
 * system-assigned only (user-assigned ids are ignored, as Cloud Shell does).
 */
export const cloudShellProtocol: ManagedIdentityProtocol = {
  authenticate: (exchange) => metadataRefusal(exchange),
  checkApiVersion: () => undefined,
  missingResource: () =>
    oauthRefusal(400, 'invalid_request', "Required form variable 'resource' is missing"),
  unknownIdentity: () => oauthRefusal(400, 'invalid_request', 'Identity not found'),
  tokenBody: imdsStyleTokenBody,
};
