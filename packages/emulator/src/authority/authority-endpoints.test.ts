import { beforeEach, describe, expect, it } from 'vitest';
import { authorityRequest, tokenPath } from '../../test/authority-request.js';
import { DEFAULT_TENANT_ID } from '../start-emulator.js';
import { useEmulator } from '../testing/use-emulator.js';
import { DEFAULT_APPLICATION_ID } from './start-authority.js';

const OTHER_TENANT = '22222222-3333-4444-8555-666666666666';
const emulator = useEmulator({
  tenants: [OTHER_TENANT],
  applications: [{ clientId: 'other-app', tenantId: OTHER_TENANT, secret: 'other-secret' }],
});
beforeEach(() => {
  emulator.requests.clear();
  emulator.setTokenLifetime(3600);
});

function secretForm(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = {
    grant_type: 'client_credentials',
    client_id: DEFAULT_APPLICATION_ID,
    client_secret: emulator.application.secret,
    scope: 'https://cognitiveservices.azure.com/.default',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function decodePayload(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split('.')[1]!, 'base64url').toString('utf8'));
}

describe('discovery', () => {
  it('serves the OpenID configuration with an issuer on exactly its own scheme, host and port', async () => {
    const { status, body } = await authorityRequest(
      emulator,
      `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const base = `${emulator.authority.url}/${DEFAULT_TENANT_ID}`;
    expect(emulator.authority.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${base}/v2.0`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: expect.arrayContaining(['private_key_jwt']),
    });
    const keys = await authorityRequest(emulator, `/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`);
    expect(keys.body).toEqual({ keys: [emulator.publicJwk] });
  });

  it('names the host the client used, when it is localhost, in the issuer and endpoints', async () => {
    const port = new URL(emulator.authority.url).port;
    const { body } = await authorityRequest(
      emulator,
      `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      undefined,
      { host: `localhost:${port}` },
    );
    expect(body['issuer']).toBe(`https://localhost:${port}/${DEFAULT_TENANT_ID}/v2.0`);
    const elsewhere = await authorityRequest(
      emulator,
      `/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      undefined,
      { host: 'localhost:1' },
    );
    expect(elsewhere.body['issuer']).toBe(`${emulator.authority.url}/${DEFAULT_TENANT_ID}/v2.0`);
  });

  it('knows the tenants listed and those of the applications; others get AADSTS90002', async () => {
    const other = await authorityRequest(
      emulator,
      `/${OTHER_TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(other.status).toBe(200);
    const unknown = await authorityRequest(
      emulator,
      '/no-such-tenant/v2.0/.well-known/openid-configuration',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    expect(unknown.body['error_description']).toMatch(
      /^AADSTS90002: Tenant 'no-such-tenant' not found\. .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    expect(emulator.requests.last('authority')?.authority).toMatchObject({
      action: 'openid-configuration',
      outcome: 'refused',
      errorCode: 90002,
    });
  });

  it('answers instance discovery in the public cloud shape, naming itself', async () => {
    const authorizationEndpoint = `${emulator.authority.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`;
    const { status, body } = await authorityRequest(
      emulator,
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorizationEndpoint)}`,
    );
    const host = new URL(emulator.authority.url).host;
    expect(status).toBe(200);
    expect(body).toEqual({
      tenant_discovery_endpoint: `${emulator.authority.url}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });
});

describe('token endpoint', () => {
  it('issues a token for the scope, the application and its tenant', async () => {
    const { status, body } = await authorityRequest(
      emulator,
      tokenPath(DEFAULT_TENANT_ID),
      secretForm(),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(body).not.toHaveProperty('refresh_in');
    expect(decodePayload(body['access_token'])).toMatchObject({
      aud: 'https://cognitiveservices.azure.com',
      appid: DEFAULT_APPLICATION_ID,
      azp: DEFAULT_APPLICATION_ID,
      tid: DEFAULT_TENANT_ID,
      idtyp: 'app',
    });
    expect(emulator.verifyToken(String(body['access_token']))).toMatchObject({ valid: true });
    expect(emulator.tokenRequestCount).toBeGreaterThan(0);

    const other = await authorityRequest(
      emulator,
      tokenPath(OTHER_TENANT),
      secretForm({
        client_id: 'other-app',
        client_secret: 'other-secret',
        scope: 'https://ai.azure.com/.default',
      }),
    );
    expect(decodePayload(other.body['access_token'])).toMatchObject({
      aud: 'https://ai.azure.com',
      tid: OTHER_TENANT,
      iss: `https://sts.windows.net/${OTHER_TENANT}/`,
    });
  });

  it('takes the client id and secret from Authorization: Basic too (client_secret_basic)', async () => {
    const basic = Buffer.from(
      `${encodeURIComponent(DEFAULT_APPLICATION_ID)}:${encodeURIComponent(emulator.application.secret)}`,
    ).toString('base64');
    const form = secretForm({ client_id: undefined, client_secret: undefined });
    const answer = await authorityRequest(emulator, tokenPath(DEFAULT_TENANT_ID), form, {
      authorization: `Basic ${basic}`,
    });
    expect(answer.status).toBe(200);
    const entry = emulator.requests.last('authority');
    expect(entry?.authority).toMatchObject({
      clientId: DEFAULT_APPLICATION_ID,
      credential: 'secret',
    });
    expect(entry?.headers['authorization']).toMatch(/^Basic <redacted sha256:[0-9a-f]{12}>$/);
  });

  it('adds refresh_in (half the lifetime) to long-lived tokens, as Entra ID does', async () => {
    emulator.setTokenLifetime(86_400);
    const { body } = await authorityRequest(emulator, tokenPath(DEFAULT_TENANT_ID), secretForm());
    expect(body).toMatchObject({ expires_in: 86_400, refresh_in: 43_200 });
  });

  it('honours claims: nbf as the earliest issue time, xms_cc as capabilities', async () => {
    const nbf = Math.floor(Date.now() / 1000) + 5;
    const claims = JSON.stringify({
      access_token: { nbf: { essential: true, value: String(nbf) }, xms_cc: { values: ['cp1'] } },
    });
    const { body } = await authorityRequest(
      emulator,
      tokenPath(DEFAULT_TENANT_ID),
      secretForm({ claims }),
    );
    expect(decodePayload(body['access_token'])).toMatchObject({ iat: nbf, nbf, xms_cc: ['cp1'] });
    expect(emulator.requests.last('authority')?.authority).toMatchObject({
      claimsChallenge: true,
      clientCapabilities: ['cp1'],
    });
  });

  it.each([
    ['an unknown tenant', 'nowhere', {}, 400, 'invalid_request', 90002],
    [
      'an unsupported grant',
      DEFAULT_TENANT_ID,
      { grant_type: 'password' },
      400,
      'unsupported_grant_type',
      70003,
    ],
    ['no grant', DEFAULT_TENANT_ID, { grant_type: undefined }, 400, 'invalid_request', 900144],
    ['no scope', DEFAULT_TENANT_ID, { scope: undefined }, 400, 'invalid_request', 90014],
    [
      'a scope without /.default',
      DEFAULT_TENANT_ID,
      { scope: 'https://x.example/read' },
      400,
      'invalid_scope',
      1002012,
    ],
    [
      'an unknown application',
      DEFAULT_TENANT_ID,
      { client_id: 'nobody' },
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'an application of another tenant',
      DEFAULT_TENANT_ID,
      { client_id: 'other-app' },
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'a wrong secret',
      DEFAULT_TENANT_ID,
      { client_secret: 'wrong' },
      401,
      'invalid_client',
      7000215,
    ],
    [
      'no credential',
      DEFAULT_TENANT_ID,
      { client_secret: undefined },
      401,
      'invalid_client',
      7000218,
    ],
    [
      'a malformed assertion',
      DEFAULT_TENANT_ID,
      {
        client_secret: undefined,
        client_assertion: 'x',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      },
      400,
      'invalid_request',
      50027,
    ],
  ] as const)(
    'refuses %s with the real AADSTS error',
    async (_case, tenant, overrides, status, error, code) => {
      const correlationId = '12345678-1234-4234-8234-123456789abc';
      const answer = await authorityRequest(emulator, tokenPath(tenant), secretForm(overrides), {
        'client-request-id': correlationId,
      });
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({
        error,
        error_codes: [code],
        correlation_id: correlationId,
      });
      expect(answer.body['error_description']).toMatch(new RegExp(`^AADSTS${code}: `));
      expect(emulator.requests.last('authority')).toMatchObject({
        status,
        authority: { outcome: 'refused', errorCode: code },
      });
      expect(JSON.stringify(emulator.requests.all())).not.toContain(emulator.application.secret);
    },
  );
});
