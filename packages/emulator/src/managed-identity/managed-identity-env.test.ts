import { expect, it } from 'vitest';
import { startEmulator } from '../start-emulator.js';

it("credentialEnv gives one shape's variables and refuses an unknown shape, listing the known ones", async () => {
  const emulator = await startEmulator();
  try {
    expect(emulator.credentialEnv('imds')).toEqual({
      AZURE_POD_IDENTITY_AUTHORITY_HOST: emulator.urls.base,
    });
    expect(Object.keys(emulator.credentialEnv('azure-ml')).sort()).toEqual([
      'DEFAULT_IDENTITY_CLIENT_ID',
      'MSI_ENDPOINT',
      'MSI_SECRET',
    ]);
    expect(() => emulator.credentialEnv('vm' as 'imds')).toThrow(
      /unknown credential shape "vm"; use one of app-service, imds, cloud-shell, azure-ml, azure-arc, client-secret, client-certificate, workload-identity, azure-cli, azure-developer-cli\./,
    );
  } finally {
    await emulator.close();
  }
});
