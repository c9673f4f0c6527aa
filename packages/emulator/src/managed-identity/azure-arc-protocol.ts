import { fingerprint } from '../secret-masking.js';
import { AzureArcKeyFolderError } from './arc-key-file.js';
import {
  headerValue,
  imdsStyleTokenBody,
  type ManagedIdentityProtocol,
  metadataRefusal,
  oauthRefusal,
  type Refusal,
} from './protocol.js';

const SUPPORTED = ['2021-02-01', '2020-06-01', '2019-11-01', '2019-08-15'];

/**
 * Azure Arc (2019-11-01): `Metadata: true`, then a challenge: a first request gets 401 with
 * `WWW-Authenticate: Basic realm=<key file>`, the retry sends `Authorization: Basic <its content>`.
 * System-assigned only.
 */
export const azureArcProtocol: ManagedIdentityProtocol = {
  authenticate: (exchange) => metadataRefusal(exchange),
  checkApiVersion(apiVersion) {
    if (apiVersion !== null && SUPPORTED.includes(apiVersion)) return undefined;
    return oauthRefusal(
      400,
      'invalid_request',
      apiVersion === null
        ? `The api-version not specified. Supported are ${SUPPORTED.join(' ')}`
        : `The api-version '${apiVersion}' is not supported. Supported are ${SUPPORTED.join(' ')}`,
    );
  },
  missingResource: () =>
    oauthRefusal(400, 'invalid_request', "Required query variable 'resource' is missing"),
  unknownIdentity: () => oauthRefusal(400, 'invalid_request', 'Identity not found'),
  challenge(exchange, state) {
    let keyFile: { path: string; key: string };
    try {
      keyFile = state.managedIdentity.arcKey.ensure();
    } catch (error) {
      if (!(error instanceof AzureArcKeyFolderError)) throw error;
      return oauthRefusal(500, 'server_error', error.message);
    }
    const authorization = headerValue(exchange, 'authorization');
    const basic =
      authorization === undefined ? undefined : /^Basic (.*)$/s.exec(authorization)?.[1];
    const accepted = basic === keyFile.key;
    exchange.entry.auth = {
      scheme: authorization === undefined ? 'none' : 'basic',
      accepted,
      ...(authorization === undefined
        ? {}
        : { header: 'authorization', fingerprint: fingerprint(basic ?? authorization) }),
      ...(accepted
        ? {}
        : {
            reason:
              authorization === undefined
                ? 'challenge: no Authorization yet'
                : 'Basic key does not match the key file',
          }),
    };
    if (accepted) return undefined;
    const refusal: Refusal = oauthRefusal(
      401,
      'unauthorized_client',
      authorization === undefined
        ? 'Authorization required: send the content of the file named in WWW-Authenticate as Basic credentials.'
        : 'The Basic credentials do not match the content of the file named in WWW-Authenticate.',
    );
    return { ...refusal, headers: { 'www-authenticate': `Basic realm=${keyFile.path}` } };
  },
  tokenBody: imdsStyleTokenBody,
};
