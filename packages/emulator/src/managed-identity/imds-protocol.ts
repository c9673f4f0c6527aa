import {
  imdsStyleTokenBody,
  type ManagedIdentityProtocol,
  metadataRefusal,
  oauthRefusal,
} from './protocol.js';

const IMDS_API_VERSION = '2018-02-01';

/** IMDS (2018-02-01): `Metadata: true`, `client_id`/`msi_res_id`/`object_id`. */
export const imdsProtocol: ManagedIdentityProtocol = {
  authenticate: (exchange) => metadataRefusal(exchange),
  checkApiVersion(apiVersion) {
    if (apiVersion === IMDS_API_VERSION) return undefined;
    if (apiVersion === null) {
      const message =
        'Bad request. api-version was not specified in the request. For more information refer to aka.ms/azureimds';
      return {
        status: 400,
        body: { error: message, 'newest-versions': ['2018-02-01'] },
        message,
      };
    }
    return oauthRefusal(400, 'invalid_request', "Invalid 'api-version' requested");
  },
  missingResource: () =>
    oauthRefusal(400, 'invalid_request', "Required query variable 'resource' is missing"),
  unknownIdentity: () => oauthRefusal(400, 'invalid_request', 'Identity not found'),
  tokenBody: imdsStyleTokenBody,
};
