/** The OpenID configuration of a tenant, in the shape Entra ID's v2.0 endpoint answers. */
export function openIdConfiguration(authorityUrl: string, tenant: string): Record<string, unknown> {
  const base = `${authorityUrl}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${authorityUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/**
 * The answer of `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=...`:
 * where the tenant's OpenID configuration is, and the authority's host as its only alias.
 */
export function instanceDiscovery(
  authorityUrl: string,
  authorizationEndpoint: string | null,
): Record<string, unknown> {
  const host = new URL(authorityUrl).host;
  let tenant = 'common';
  if (authorizationEndpoint !== null) {
    try {
      tenant = new URL(authorizationEndpoint).pathname.split('/').filter(Boolean)[0] ?? tenant;
    } catch {
      // Not a URL: the common tenant's configuration.
    }
  }
  return {
    tenant_discovery_endpoint: `${authorityUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
