import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID } from '../start-emulator.js';
import { useEmulator } from '../testing/use-emulator.js';
import { MANAGED_IDENTITY_PATHS, type ManagedIdentitySource } from './managed-identity-source.js';

// The protocol of each shape on the wire, with plain fetch: what the real endpoints answer to a
// request msal-node would never send (missing header, wrong secret, wrong api-version).
const emulator = useEmulator();
const RESOURCE = 'https://cognitiveservices.azure.com';

function url(source: ManagedIdentitySource, query: Record<string, string>): string {
  return `${emulator.url}${MANAGED_IDENTITY_PATHS[source]}?${new URLSearchParams(query)}`;
}

async function answer(response: Response): Promise<{ status: number; body: unknown }> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

describe('imds', () => {
  const metadata = { Metadata: 'true' };

  it('refuses a request without Metadata: true as IMDS does', async () => {
    const response = await fetch(url('imds', { 'api-version': '2018-02-01', resource: RESOURCE }));
    expect(await answer(response)).toEqual({
      status: 400,
      body: {
        error: 'bad_request_102',
        error_description: 'Required metadata header not specified',
      },
    });
    expect(emulator.requests.last('identity')).toMatchObject({
      source: 'imds',
      auth: { scheme: 'none', accepted: false, reason: 'missing Metadata: true' },
      errorMessage: 'Required metadata header not specified',
    });
  });

  it('refuses a missing or wrong api-version and a missing resource', async () => {
    const missing = await answer(
      await fetch(url('imds', { resource: RESOURCE }), { headers: metadata }),
    );
    expect(missing).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^Bad request\. api-version was not specified/) },
    });
    const wrong = await fetch(url('imds', { 'api-version': '2019-08-01', resource: RESOURCE }), {
      headers: metadata,
    });
    expect(await answer(wrong)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: "Invalid 'api-version' requested" },
    });
    const noResource = await fetch(url('imds', { 'api-version': '2018-02-01' }), {
      headers: metadata,
    });
    expect((await answer(noResource)).status).toBe(400);
  });

  it('answers an unknown user-assigned identity with 400 Identity not found', async () => {
    const response = await fetch(
      url('imds', { 'api-version': '2018-02-01', resource: RESOURCE, object_id: 'nobody' }),
      { headers: metadata },
    );
    expect(await answer(response)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Identity not found' },
    });
  });

  it("answers a token in IMDS's fields, expires_on in epoch seconds", async () => {
    const response = await fetch(url('imds', { 'api-version': '2018-02-01', resource: RESOURCE }), {
      headers: metadata,
    });
    const { status, body } = await answer(response);
    expect(status).toBe(200);
    expect(Object.keys(body as object).sort()).toEqual(
      [
        'access_token',
        'client_id',
        'expires_in',
        'expires_on',
        'not_before',
        'refresh_token',
        'resource',
        'token_type',
      ].sort(),
    );
    expect(body).toMatchObject({
      expires_in: '3600',
      expires_on: expect.stringMatching(/^\d{10}$/),
      resource: RESOURCE,
      client_id: DEFAULT_CLIENT_ID,
    });
  });
});

describe('app-service', () => {
  const headers = () => ({ 'X-IDENTITY-HEADER': emulator.identityHeader });

  it("answers a missing or unsupported api-version in ASP.NET API versioning's words", async () => {
    const missing = await fetch(url('app-service', { resource: RESOURCE }), { headers: headers() });
    expect(await answer(missing)).toEqual({
      status: 400,
      body: {
        error: {
          code: 'ApiVersionUnspecified',
          message: 'An API version is required, but was not specified.',
          innerError: null,
        },
      },
    });
    const wrongUrl = url('app-service', { resource: RESOURCE, 'api-version': '2017-09-01' });
    const wrong = await answer(await fetch(wrongUrl, { headers: headers() }));
    expect(wrong).toMatchObject({
      status: 400,
      body: { error: { code: 'UnsupportedApiVersion' } },
    });
    expect((wrong.body as { error: { message: string } }).error.message).toBe(
      `The HTTP resource that matches the request URI '${wrongUrl}' does not support the API version '2017-09-01'.`,
    );
  });

  it('answers an unknown user-assigned identity with 400 Unable to load the proper Managed Identity', async () => {
    const response = await fetch(
      url('app-service', {
        resource: RESOURCE,
        'api-version': '2019-08-01',
        mi_res_id: '/subscriptions/x',
      }),
      { headers: headers() },
    );
    expect(await answer(response)).toMatchObject({
      status: 400,
      body: { statusCode: 400, message: 'Unable to load the proper Managed Identity.' },
    });
  });
});

describe('cloud-shell', () => {
  const post = (headers: Record<string, string>, form: Record<string, string>) =>
    fetch(`${emulator.url}${MANAGED_IDENTITY_PATHS['cloud-shell']}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });

  it('takes POST only, needs Metadata: true, and ignores user-assigned ids as Cloud Shell does', async () => {
    const get = await fetch(`${emulator.url}${MANAGED_IDENTITY_PATHS['cloud-shell']}`);
    expect(get.status).toBe(405);
    expect((await answer(await post({}, { resource: RESOURCE }))).body).toEqual({
      error: 'bad_request_102',
      error_description: 'Required metadata header not specified',
    });
    const ignored = await answer(
      await post({ Metadata: 'true' }, { resource: RESOURCE, client_id: 'anything' }),
    );
    expect(ignored).toMatchObject({ status: 200, body: { client_id: DEFAULT_CLIENT_ID } });
  });
});

describe('azure-ml', () => {
  const secret = () => emulator.credentialEnv('azure-ml')['MSI_SECRET']!;

  it('refuses a missing or wrong secret header in plain text, and never records the secret', async () => {
    const query = { 'api-version': '2017-09-01', resource: RESOURCE };
    const missing = await fetch(url('azure-ml', query), { headers: { Metadata: 'true' } });
    expect(await answer(missing)).toEqual({ status: 401, body: 'Invalid secret token header: ' });
    const wrong = await fetch(url('azure-ml', query), {
      headers: { Metadata: 'true', secret: 'not-the-secret' },
    });
    expect(wrong.status).toBe(401);
    expect(emulator.requests.last('identity')?.auth).toMatchObject({
      scheme: 'secret-header',
      accepted: false,
      reason: 'secret does not match MSI_SECRET',
    });
    const right = await fetch(url('azure-ml', query), {
      headers: { Metadata: 'true', secret: secret() },
    });
    expect(await answer(right)).toMatchObject({
      status: 200,
      body: { client_id: DEFAULT_CLIENT_ID },
    });
    const log = JSON.stringify(emulator.requests.all());
    expect(log).not.toContain('not-the-secret');
    expect(log).not.toContain(secret());
  });

  it('refuses the App Service api-version, and an unknown clientid', async () => {
    const headers = { Metadata: 'true', secret: secret() };
    const wrong = await fetch(
      url('azure-ml', { 'api-version': '2019-08-01', resource: RESOURCE }),
      { headers },
    );
    expect(await answer(wrong)).toMatchObject({
      status: 400,
      body: { error: { code: 'UnsupportedApiVersion' } },
    });
    const unknown = await fetch(
      url('azure-ml', { 'api-version': '2017-09-01', resource: RESOURCE, clientid: 'nobody' }),
      { headers },
    );
    expect(await answer(unknown)).toMatchObject({
      status: 400,
      body: { message: 'Unable to load the proper Managed Identity.' },
    });
  });
});

describe('all shapes', () => {
  it('apply faults injected for the identity kind and count every request in tokenRequestCount', async () => {
    const before = emulator.tokenRequestCount;
    emulator.inject({ status: 500 }, { kinds: ['identity'] });
    const response = await fetch(url('imds', { 'api-version': '2018-02-01', resource: RESOURCE }), {
      headers: { Metadata: 'true' },
    });
    expect(response.status).toBe(500);
    expect(emulator.requests.last('identity')).toMatchObject({
      source: 'imds',
      fault: { status: 500 },
    });
    expect(emulator.tokenRequestCount).toBe(before + 1);
  });
});
