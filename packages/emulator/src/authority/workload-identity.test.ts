import { beforeEach, describe, expect, it } from 'vitest';
import { authorityEnvironment, runWithIdentity } from '../../test/identity-child.js';
import { useEmulator } from '../testing/use-emulator.js';
import { DEFAULT_APPLICATION_ID } from './start-authority.js';

// AKS workload identity: a projected service-account token in AZURE_FEDERATED_TOKEN_FILE,
// exchanged at the authority for an access token. The real @azure/identity, in a fresh Node.
const emulator = useEmulator({ script: () => 'hello, workload' });
beforeEach(() => emulator.requests.clear());

describe('workload identity (federated credential)', () => {
  it('WorkloadIdentityCredential exchanges the token file for an access token', async () => {
    const tokenFile = emulator.writeFederatedTokenFile();
    const { run, output } = await runWithIdentity(
      'return { text: await ask(new identity.WorkloadIdentityCredential(options)) };',
      authorityEnvironment(emulator.emulator, { AZURE_FEDERATED_TOKEN_FILE: tokenFile }),
    );
    expect(run.refused).toEqual([]);
    expect(output).toEqual({ text: 'hello, workload' });
    expect(emulator.requests.last('authority')).toMatchObject({
      status: 200,
      authority: { credential: 'federated', clientId: DEFAULT_APPLICATION_ID, outcome: 'issued' },
    });
    expect(emulator.requests.last('azure-openai')?.auth).toMatchObject({
      accepted: true,
      clientId: DEFAULT_APPLICATION_ID,
    });
  });

  it('ManagedIdentityCredential with the same environment takes the AKS token-exchange path', async () => {
    const tokenFile = emulator.writeFederatedTokenFile();
    const { run, output } = await runWithIdentity(
      `const credential = new identity.ManagedIdentityCredential({
         clientId: process.env.AZURE_CLIENT_ID, ...options });
       return { text: await ask(credential) };`,
      authorityEnvironment(emulator.emulator, { AZURE_FEDERATED_TOKEN_FILE: tokenFile }),
    );
    expect(run.refused).toEqual([]);
    expect(output).toEqual({ text: 'hello, workload' });
    expect(emulator.requests.ofKind('identity')).toEqual([]);
    expect(emulator.requests.last('authority')?.authority).toMatchObject({
      credential: 'federated',
      outcome: 'issued',
    });
  });

  it('a token file from another issuer is refused with AADSTS70021', async () => {
    const tokenFile = emulator.writeFederatedTokenFile({
      issuer: 'https://oidc.other-cluster.example/',
      fileName: 'other-issuer-token',
    });
    const { run, output } = await runWithIdentity(
      'return { text: await ask(new identity.WorkloadIdentityCredential(options)) };',
      authorityEnvironment(emulator.emulator, { AZURE_FEDERATED_TOKEN_FILE: tokenFile }),
    );
    expect(run.refused).toEqual([]);
    const message = (output['thrown'] as { message: string }).message;
    expect(message).toContain('AADSTS70021: No matching federated identity record found');
    expect(message).toContain("Assertion Issuer: 'https://oidc.other-cluster.example/'");
    expect(emulator.requests.last('authority')).toMatchObject({
      status: 400,
      authority: { credential: 'federated', reason: 'no matching federated credential' },
    });
  });
});
