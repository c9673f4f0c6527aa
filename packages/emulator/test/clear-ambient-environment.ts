// Test support of this package (not shipped): environment variables a test clears so that only what it sets up steers a client.
import { vi } from 'vitest';

/** Variables that would steer `@azure/identity` or the SDKs away from what a test sets up. */
const AMBIENT_VARIABLES = [
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_TOKEN_CREDENTIALS',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'AZURE_OPENAI_API_KEY',
  'AZURE_OPENAI_ENDPOINT',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_API_VERSION',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_FOUNDRY_API_KEY',
  'ANTHROPIC_FOUNDRY_BASE_URL',
  'ANTHROPIC_FOUNDRY_RESOURCE',
];

/** Unsets (for this test, through `vi.stubEnv`) every variable that could change a client's choice. */
export function clearAmbientEnvironment(): void {
  for (const name of AMBIENT_VARIABLES) vi.stubEnv(name, undefined);
}
