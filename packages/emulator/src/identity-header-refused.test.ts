import { ManagedIdentityCredential } from '@azure/identity';
import { afterEach, expect, it, vi } from 'vitest';
import { clearAmbientEnvironment } from '../test/clear-ambient-environment.js';
import { useEmulator } from './testing/use-emulator.js';

// A file of its own: @azure/msal-node pins the endpoint and header of the first managed-identity
// request for the whole process, so this wrong header would stick for any later test.
const emulator = useEmulator();
afterEach(() => {
  vi.unstubAllEnvs();
});

it('makes ManagedIdentityCredential fail with the emulator message when IDENTITY_HEADER is wrong', async () => {
  clearAmbientEnvironment();
  vi.stubEnv('IDENTITY_ENDPOINT', emulator.env['IDENTITY_ENDPOINT']);
  vi.stubEnv('IDENTITY_HEADER', 'not-the-secret');
  const credential = new ManagedIdentityCredential();
  await expect(credential.getToken('https://ai.azure.com/.default')).rejects.toThrow(
    /X-IDENTITY-HEADER header does not match/,
  );
  const [request] = emulator.requests.ofKind('identity');
  expect(request).toMatchObject({
    status: 403,
    auth: { scheme: 'identity-header', accepted: false },
  });
  expect(JSON.stringify(emulator.requests.all())).not.toContain('not-the-secret');
});
