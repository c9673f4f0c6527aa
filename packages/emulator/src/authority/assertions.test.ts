import {
  constants,
  createHash,
  createPrivateKey,
  type KeyObject,
  randomUUID,
  sign,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorityRequest, tokenPath } from '../../test/authority-request.js';
import { createSigningKey } from '../signing-key.js';
import { DEFAULT_TENANT_ID } from '../start-emulator.js';
import { useEmulator } from '../testing/use-emulator.js';
import { createClientCertificate } from '../tls/tls-material.js';
import { issueServiceAccountToken } from './federated-assertion.js';
import { DEFAULT_APPLICATION_ID } from './start-authority.js';

// Client assertions made by hand (as MSAL makes them), to reach each refusal of the authority.
const SUBJECT_PINNED_APP = 'subject-pinned-app';
const emulator = useEmulator({
  applications: [
    {
      clientId: SUBJECT_PINNED_APP,
      federatedCredentials: [
        { issuer: 'https://cluster.example/', subject: 'system:serviceaccount:prod:bots' },
      ],
    },
  ],
});
beforeEach(() => emulator.requests.clear());

let privateKey: KeyObject;
let certificate: X509Certificate;
beforeAll(() => {
  const bundle = readFileSync(emulator.application.certificatePath, 'utf8');
  privateKey = createPrivateKey(bundle);
  certificate = new X509Certificate(bundle.slice(bundle.indexOf('-----BEGIN CERTIFICATE-----')));
});

const now = () => Math.floor(Date.now() / 1000);
const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface AssertionOptions {
  alg?: 'PS256' | 'RS256';
  thumbprint?: 'x5t#S256' | 'x5t';
  key?: KeyObject;
  payload?: Record<string, unknown>;
}

function certificateAssertion(options: AssertionOptions = {}): string {
  const alg = options.alg ?? 'PS256';
  const thumbprintHeader = options.thumbprint ?? 'x5t#S256';
  const digest = createHash(thumbprintHeader === 'x5t' ? 'sha1' : 'sha256').update(certificate.raw);
  const header = { alg, typ: 'JWT', [thumbprintHeader]: digest.digest('base64url') };
  const payload = {
    aud: `${emulator.authority.url}${tokenPath(DEFAULT_TENANT_ID)}`,
    iss: DEFAULT_APPLICATION_ID,
    sub: DEFAULT_APPLICATION_ID,
    jti: randomUUID(),
    nbf: now(),
    exp: now() + 600,
    ...options.payload,
  };
  const input = `${segment(header)}.${segment(payload)}`;
  const key = options.key ?? privateKey;
  const signature =
    alg === 'PS256'
      ? sign('sha256', Buffer.from(input), {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

function exchange(assertion: string, clientId = DEFAULT_APPLICATION_ID) {
  return authorityRequest(emulator, tokenPath(DEFAULT_TENANT_ID), {
    grant_type: 'client_credentials',
    client_id: clientId,
    scope: 'https://cognitiveservices.azure.com/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
}

describe('certificate assertions', () => {
  it.each([
    ['PS256 with x5t#S256', { alg: 'PS256', thumbprint: 'x5t#S256' }],
    ['RS256 with x5t', { alg: 'RS256', thumbprint: 'x5t' }],
  ] as const)('accepts %s', async (_case, options) => {
    const answer = await exchange(certificateAssertion(options));
    expect(answer.status).toBe(200);
    expect(emulator.requests.last('authority')?.authority?.credential).toBe('certificate');
  });

  it.each([
    [
      'a bad signature',
      async () => ({
        key: createPrivateKey((await createClientCertificate('other')).privateKeyPem),
      }),
      700027,
      'invalid signature',
    ],
    [
      'the wrong audience',
      async () => ({ payload: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } }),
      700027,
      'wrong audience',
    ],
    [
      'another issuer',
      async () => ({ payload: { iss: 'someone-else' } }),
      700027,
      'issuer or subject is not the client id',
    ],
    [
      'an expired assertion',
      async () => ({ payload: { nbf: now() - 1200, exp: now() - 600 } }),
      700024,
      'assertion expired',
    ],
    [
      'an assertion valid only later',
      async () => ({ payload: { nbf: now() + 3600, exp: now() + 4200 } }),
      700024,
      'assertion not yet valid',
    ],
  ] as const)('refuses %s', async (_case, makeOptions, code, reason) => {
    const answer = await exchange(certificateAssertion(await makeOptions()));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: 'invalid_client', error_codes: [code] });
    expect(emulator.requests.last('authority')?.authority).toMatchObject({
      reason,
      errorCode: code,
    });
  });

  it('keeps only a fingerprint of the assertion in the log', async () => {
    const assertion = certificateAssertion();
    await exchange(assertion);
    const logged = JSON.stringify(emulator.requests.all());
    expect(logged).not.toContain(assertion.split('.')[2]!);
    expect(emulator.requests.last('authority')?.authority?.credentialFingerprint).toMatch(
      /^sha256:/,
    );
  });
});

describe('federated assertions', () => {
  const read = (path: string) => readFileSync(path, 'utf8');

  it('accepts the emulator service-account token, and refuses it expired (AADSTS700024)', async () => {
    expect((await exchange(read(emulator.writeFederatedTokenFile()))).status).toBe(200);
    const expired = await exchange(
      read(emulator.writeFederatedTokenFile({ lifetimeSeconds: -30 })),
    );
    expect(expired.status).toBe(401);
    expect(expired.body['error_codes']).toEqual([700024]);
  });

  it('refuses a token signed by another key (AADSTS700027)', async () => {
    const token = issueServiceAccountToken(await createSigningKey(), {
      issuer: emulator.authority.serviceAccountIssuer,
      subject: 'system:serviceaccount:default:bots',
      audience: 'api://AzureADTokenExchange',
      lifetimeSeconds: 600,
      nowSeconds: now(),
    });
    const answer = await exchange(token);
    expect(answer.body['error_codes']).toEqual([700027]);
  });

  it.each([
    ['the wrong audience', { audience: 'api://something-else' }, DEFAULT_APPLICATION_ID],
    [
      'the wrong subject',
      { issuer: 'https://cluster.example/', subject: 'system:serviceaccount:dev:bots' },
      SUBJECT_PINNED_APP,
    ],
  ])('refuses %s with AADSTS70021', async (_case, options, clientId) => {
    const answer = await exchange(read(emulator.writeFederatedTokenFile(options)), clientId);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_request', error_codes: [70021] });
  });

  it('accepts the registered subject of a pinned credential', async () => {
    const file = emulator.writeFederatedTokenFile({
      issuer: 'https://cluster.example/',
      subject: 'system:serviceaccount:prod:bots',
    });
    expect((await exchange(read(file), SUBJECT_PINNED_APP)).status).toBe(200);
  });
});
