import { randomUUID } from 'node:crypto';

/** The AADSTS errors the local authority answers with (codes and wording as Entra ID has them). */
export type AuthorityErrorCode =
  | 7000215
  | 7000218
  | 700016
  | 700024
  | 700027
  | 70021
  | 70003
  | 90014
  | 900144
  | 90002
  | 1002012
  | 50027;

/** One refusal: the HTTP status, the OAuth `error`, the AADSTS code and its message. */
export interface AuthorityError {
  status: 400 | 401;
  error: string;
  code: AuthorityErrorCode;
  /** The message after `AADSTS<code>: ` (no trace lines). */
  message: string;
}

/** The Entra ID error for a situation, with the real status and OAuth error. */
export const authorityErrors = {
  invalidSecret: (clientId: string): AuthorityError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  missingCredential: (): AuthorityError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message:
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  unknownApplication: (clientId: string, tenant: string): AuthorityError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  assertionTime: (now: Date, validFrom: Date, expiry: Date): AuthorityError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${validFrom.toISOString()}, expiry time of assertion ${expiry.toISOString()}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
  }),
  invalidAssertion: (reason: string, clientId: string): AuthorityError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion failed signature validation. [Reason - ${reason}, Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
  }),
  noFederatedRecord: (issuer: string, subject: string, audience: string): AuthorityError => ({
    status: 400,
    error: 'invalid_request',
    code: 70021,
    message: `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
  }),
  unsupportedGrant: (grantType: string): AuthorityError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grantType}'.`,
  }),
  missingScope: (): AuthorityError => ({
    status: 400,
    error: 'invalid_request',
    code: 90014,
    message:
      "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.",
  }),
  missingParameter: (name: string): AuthorityError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  invalidScope: (scope: string): AuthorityError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  malformedAssertion: (): AuthorityError => ({
    status: 400,
    error: 'invalid_request',
    code: 50027,
    message: 'JWT token is invalid or malformed.',
  }),
  unknownTenant: (tenant: string): AuthorityError => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
} as const;

/**
 * The JSON body Entra ID answers an error with: `error`, `error_description` (the AADSTS message,
 * then `Trace ID`, `Correlation ID` and `Timestamp` lines joined by `\r\n`), `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
 */
export function authorityErrorBody(
  failure: AuthorityError,
  now: Date,
  correlationId: string = randomUUID(),
): Record<string, unknown> {
  const traceId = randomUUID();
  const timestamp = `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return {
    error: failure.error,
    error_description: [
      `AADSTS${failure.code}: ${failure.message}`,
      `Trace ID: ${traceId}`,
      `Correlation ID: ${correlationId}`,
      `Timestamp: ${timestamp}`,
    ].join('\r\n'),
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
}
