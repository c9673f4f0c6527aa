import type { Emulator } from '@bots/emulator';

/**
 * Variables that would make `DefaultAzureCredential` (or the model client) look elsewhere than the
 * emulator. The offline commands remove them from their own process only.
 */
const FOREIGN_CREDENTIAL_VARIABLES = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_USERNAME',
  'MSI_ENDPOINT',
  'MSI_SECRET',
];

/**
 * Points this process's managed identity at the emulator: `@azure/identity` reads
 * `IDENTITY_ENDPOINT` / `IDENTITY_HEADER` from `process.env`, not from an injected env. Returns
 * the env to build the model from: the emulator's endpoints with `AZURE_AUTH_METHOD=azure_ad`.
 */
export function useEmulatorIdentity(emulator: Emulator): Record<string, string> {
  for (const name of FOREIGN_CREDENTIAL_VARIABLES) delete process.env[name];
  process.env.IDENTITY_ENDPOINT = emulator.env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = emulator.env.IDENTITY_HEADER;
  process.env.AZURE_TOKEN_CREDENTIALS = 'ManagedIdentityCredential';
  return { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' };
}
