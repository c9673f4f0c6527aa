import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorityEnvironment, runWithIdentity } from '../../test/identity-child.js';
import { useEmulator } from '../testing/use-emulator.js';
import { createClientCertificate } from '../tls/tls-material.js';
import { DEFAULT_APPLICATION_ID } from './start-authority.js';

// The real @azure/identity and openai, each case in a fresh Node that trusts the emulator's CA.
const emulator = useEmulator({ script: () => 'hello from the emulator' });
beforeEach(() => emulator.requests.clear());

function expectNoSecretIn(value: unknown, ...secrets: string[]): void {
  const text = JSON.stringify(value);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('client secret', () => {
  it('ClientSecretCredential gets a token the Azure OpenAI endpoint accepts', async () => {
    const { run, output } = await runWithIdentity(
      `const credential = new identity.ClientSecretCredential(
         process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.SECRET, options);
       return { text: await ask(credential) };`,
      authorityEnvironment(emulator.emulator, { SECRET: emulator.application.secret }),
    );
    expect(run.refused).toEqual([]);
    expect(output).toEqual({ text: 'hello from the emulator' });
    const [openIdConfiguration, token] = emulator.requests.ofKind('authority');
    expect(openIdConfiguration).toMatchObject({
      method: 'GET',
      path: `/${emulator.authority.tenantId}/v2.0/.well-known/openid-configuration`,
      status: 200,
    });
    expect(token).toMatchObject({
      method: 'POST',
      path: `/${emulator.authority.tenantId}/oauth2/v2.0/token`,
      status: 200,
      authority: {
        action: 'token',
        grant: 'client_credentials',
        clientId: DEFAULT_APPLICATION_ID,
        credential: 'secret',
        scope: 'https://cognitiveservices.azure.com/.default',
        outcome: 'issued',
      },
      issuedToken: {
        audience: 'https://cognitiveservices.azure.com',
        clientId: DEFAULT_APPLICATION_ID,
      },
    });
    expect(token!.authority!.credentialFingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(emulator.requests.last('azure-openai')).toMatchObject({
      status: 200,
      auth: { scheme: 'bearer', accepted: true, clientId: DEFAULT_APPLICATION_ID },
    });
    expectNoSecretIn(emulator.requests.all(), emulator.application.secret);
  });

  it('EnvironmentCredential with AZURE_CLIENT_SECRET works the same way', async () => {
    const { run, output } = await runWithIdentity(
      'return { text: await ask(new identity.EnvironmentCredential(options)) };',
      authorityEnvironment(emulator.emulator, { AZURE_CLIENT_SECRET: emulator.application.secret }),
    );
    expect(run.refused).toEqual([]);
    expect(output).toEqual({ text: 'hello from the emulator' });
    expect(emulator.requests.last('authority')?.authority).toMatchObject({
      credential: 'secret',
      outcome: 'issued',
    });
  });

  it('a wrong secret gives AADSTS7000215, and no log entry holds it', async () => {
    const wrong = 'not-the-secret~0123456789abcdefghij';
    const { run, output } = await runWithIdentity(
      'return { text: await ask(new identity.EnvironmentCredential(options)) };',
      authorityEnvironment(emulator.emulator, { AZURE_CLIENT_SECRET: wrong }),
    );
    expect(run.refused).toEqual([]);
    const thrown = output['thrown'] as { message: string };
    expect(thrown.message).toContain('AADSTS7000215: Invalid client secret provided.');
    expect(thrown.message).not.toContain(wrong);
    const refused = emulator.requests.last('authority');
    expect(refused).toMatchObject({
      status: 401,
      authority: { outcome: 'refused', reason: 'invalid secret', errorCode: 7000215 },
    });
    expectNoSecretIn(emulator.requests.all(), wrong, emulator.application.secret);
    expect(emulator.requests.ofKind('azure-openai')).toEqual([]);
  });
});

describe('client certificate', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'authority-test-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('ClientCertificateCredential signs an assertion the authority accepts', async () => {
    const { run, output } = await runWithIdentity(
      `const credential = new identity.ClientCertificateCredential(
         process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID,
         { certificatePath: process.env.CERTIFICATE_PATH }, options);
       return { text: await ask(credential) };`,
      authorityEnvironment(emulator.emulator, {
        CERTIFICATE_PATH: emulator.application.certificatePath,
      }),
    );
    expect(run.refused).toEqual([]);
    expect(output).toEqual({ text: 'hello from the emulator' });
    expect(emulator.requests.last('authority')?.authority).toMatchObject({
      credential: 'certificate',
      outcome: 'issued',
    });
  });

  it('EnvironmentCredential with AZURE_CLIENT_CERTIFICATE_PATH works the same way', async () => {
    const { run, output } = await runWithIdentity(
      'return { text: await ask(new identity.EnvironmentCredential(options)) };',
      authorityEnvironment(emulator.emulator, {
        AZURE_CLIENT_CERTIFICATE_PATH: emulator.application.certificatePath,
      }),
    );
    expect(run.refused).toEqual([]);
    expect(output).toEqual({ text: 'hello from the emulator' });
  });

  it('a certificate that is not registered is refused with AADSTS700027', async () => {
    const stranger = await createClientCertificate('not registered');
    const path = join(folder, 'stranger.pem');
    await writeFile(path, `${stranger.privateKeyPem}${stranger.certificatePem}`);
    const { run, output } = await runWithIdentity(
      'return { text: await ask(new identity.EnvironmentCredential(options)) };',
      authorityEnvironment(emulator.emulator, { AZURE_CLIENT_CERTIFICATE_PATH: path }),
    );
    expect(run.refused).toEqual([]);
    expect((output['thrown'] as { message: string }).message).toContain('AADSTS700027');
    expect(emulator.requests.last('authority')).toMatchObject({
      status: 401,
      authority: { credential: 'certificate', reason: 'certificate not registered' },
    });
  });
});
