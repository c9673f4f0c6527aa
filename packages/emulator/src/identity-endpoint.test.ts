import { createPublicKey, verify } from 'node:crypto';
import {
  DefaultAzureCredential,
  getBearerTokenProvider,
  ManagedIdentityCredential,
} from '@azure/identity';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearAmbientEnvironment } from '../test/clear-ambient-environment.js';
import { DEFAULT_CLIENT_ID, DEFAULT_TENANT_ID, startEmulator } from './start-emulator.js';
import { useEmulator } from './testing/use-emulator.js';

// @azure/msal-node keeps one managed-identity token cache per process, keyed by identity and
// resource (not by endpoint), so every test here asks for a resource of its own.
const emulator = useEmulator();
beforeEach(() => {
  clearAmbientEnvironment();
  vi.stubEnv('IDENTITY_ENDPOINT', emulator.env['IDENTITY_ENDPOINT']);
  vi.stubEnv('IDENTITY_HEADER', emulator.env['IDENTITY_HEADER']);
  emulator.requests.clear();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('managed-identity endpoint (App Service shape)', () => {
  it('gives ManagedIdentityCredential a signed JWT for the requested audience', async () => {
    const credential = new ManagedIdentityCredential();
    const before = Math.floor(Date.now() / 1000);
    const accessToken = await credential.getToken('https://cognitiveservices.azure.com/.default');

    const [header, payload, signature] = accessToken.token.split('.') as [string, string, string];
    const publicKey = createPublicKey({ key: emulator.publicJwk, format: 'jwk' });
    expect(
      verify(
        'RSA-SHA256',
        Buffer.from(`${header}.${payload}`),
        publicKey,
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
    const claims = decodePayload(accessToken.token);
    expect(claims).toMatchObject({
      aud: 'https://cognitiveservices.azure.com',
      iss: `https://sts.windows.net/${DEFAULT_TENANT_ID}/`,
      tid: DEFAULT_TENANT_ID,
      appid: DEFAULT_CLIENT_ID,
      idtyp: 'app',
    });
    expect(claims['exp']).toBeGreaterThanOrEqual(before + 3600);
    expect(accessToken.expiresOnTimestamp).toBe((claims['exp'] as number) * 1000);
    expect(emulator.verifyToken(accessToken.token)).toMatchObject({ valid: true });

    const [request] = emulator.requests.ofKind('identity');
    expect(request).toMatchObject({
      method: 'GET',
      path: '/msi/token',
      query: { 'api-version': '2019-08-01', resource: 'https://cognitiveservices.azure.com' },
      status: 200,
      auth: { scheme: 'identity-header', accepted: true },
      issuedToken: { tokenId: claims['jti'], audience: 'https://cognitiveservices.azure.com' },
    });
    expect(request!.headers['x-identity-header']).toMatch(/^<redacted sha256:[0-9a-f]{12}>$/);
  });

  it('is what DefaultAzureCredential picks when IDENTITY_ENDPOINT and IDENTITY_HEADER are set', async () => {
    const credential = new DefaultAzureCredential();
    const accessToken = await credential.getToken('https://ai.azure.com/.default');
    expect(decodePayload(accessToken.token)['aud']).toBe('https://ai.azure.com');
    expect(emulator.requests.ofKind('identity')).toHaveLength(1);
  });

  it('sends client_id for a registered user-assigned identity and puts it in the token', async () => {
    const clientId = emulator.userAssignedIdentity!.clientId;
    const credential = new ManagedIdentityCredential({ clientId });
    const accessToken = await credential.getToken('https://user-assigned.example/.default');
    expect(decodePayload(accessToken.token)).toMatchObject({
      appid: clientId,
      client_id: clientId,
    });
    expect(emulator.requests.last('identity')?.query['client_id']).toBe(clientId);
  });

  it('answers the App Service JSON shape, expires_on as epoch seconds in a string', async () => {
    const response = await fetch(
      `${emulator.urls.identity}?resource=${encodeURIComponent('https://ai.azure.com')}&api-version=2019-08-01`,
      { headers: { 'X-IDENTITY-HEADER': emulator.identityHeader } },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'client_id',
      'expires_on',
      'resource',
      'token_type',
    ]);
    expect(body).toMatchObject({
      resource: 'https://ai.azure.com',
      token_type: 'Bearer',
      client_id: DEFAULT_CLIENT_ID,
    });
    expect(body['expires_on']).toMatch(/^\d{10}$/);
  });

  it('refuses a wrong or missing X-IDENTITY-HEADER with 403 in the App Service error shape', async () => {
    const url = `${emulator.urls.identity}?resource=https://ai.azure.com&api-version=2019-08-01`;
    const missing = await fetch(url);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({
      statusCode: 403,
      message: expect.stringContaining('X-IDENTITY-HEADER'),
      correlationId: expect.any(String),
    });
    const wrong = await fetch(url, { headers: { 'X-IDENTITY-HEADER': 'not-the-secret' } });
    expect(wrong.status).toBe(403);
    const refused = emulator.requests.ofKind('identity').map((entry) => entry.auth.reason);
    expect(refused).toEqual([
      'missing X-IDENTITY-HEADER',
      'X-IDENTITY-HEADER does not match IDENTITY_HEADER',
    ]);
  });

  it('requires api-version 2019-08-01 and a resource', async () => {
    const headers = { 'X-IDENTITY-HEADER': emulator.identityHeader };
    const noVersion = await fetch(`${emulator.urls.identity}?resource=https://ai.azure.com`, {
      headers,
    });
    expect(noVersion.status).toBe(400);
    const noResource = await fetch(`${emulator.urls.identity}?api-version=2019-08-01`, { headers });
    expect(noResource.status).toBe(400);
  });

  it('observed: msal-node caches an hour-long token and serves it again without a request', async () => {
    const credential = new ManagedIdentityCredential();
    const first = await credential.getToken('https://cache-long.example/.default');
    const second = await new ManagedIdentityCredential().getToken(
      'https://cache-long.example/.default',
    );
    expect(second.token).toBe(first.token);
    expect(emulator.requests.ofKind('identity')).toHaveLength(1);
  });

  it('observed: msal-node treats a token with under 5 minutes left as expired and fetches anew', async () => {
    emulator.setTokenLifetime(120);
    try {
      const scope = 'https://cache-short.example/.default';
      const credential = new ManagedIdentityCredential();
      const first = await credential.getToken(scope);
      const second = await credential.getToken(scope);
      expect(second.token).not.toBe(first.token);
      expect(emulator.requests.ofKind('identity')).toHaveLength(2);
      // getBearerTokenProvider's cycler: the first call waits for a token; the next, within its
      // 2-minute refresh window, gets the cached token at once and refreshes in the background.
      const provider = getBearerTokenProvider(new ManagedIdentityCredential(), scope);
      const fromProvider = await provider();
      expect(await provider()).toBe(fromProvider);
      await vi.waitFor(() => expect(emulator.requests.ofKind('identity')).toHaveLength(4));
    } finally {
      emulator.setTokenLifetime(3600);
    }
  });

  it('observed: msal-node pins the identity endpoint it first used for the whole process', async () => {
    const second = await startEmulator();
    try {
      vi.stubEnv('IDENTITY_ENDPOINT', second.env['IDENTITY_ENDPOINT']);
      const accessToken = await new ManagedIdentityCredential().getToken(
        'https://pinned.example/.default',
      );
      expect(second.requests.ofKind('identity')).toHaveLength(0);
      expect(emulator.requests.ofKind('identity')).toHaveLength(1);
      // The signing key is shared by the emulators of a process, so the token still verifies.
      expect(second.verifyToken(accessToken.token)).toMatchObject({ valid: true });
    } finally {
      await second.close();
    }
  });
});
