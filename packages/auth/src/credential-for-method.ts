import { type AuthMethod, type Env, readVariable } from './auth-method.js';
import { loadIdentity, type ModuleImporter } from './load-identity.js';
import type { TokenCredential } from './token-provider.js';

/**
 * Builds the `@azure/identity` credential for an auth method (loading `@azure/identity` now).
 * `AZURE_CLIENT_ID` picks a user-assigned managed identity; the credentials also read their
 * own variables (`IDENTITY_ENDPOINT`, `AZURE_TENANT_ID`, ...) from `process.env`, as
 * `@azure/identity` always does.
 */
export async function credentialForMethod(
  method: Exclude<AuthMethod, 'api_key'>,
  env: Env,
  importer?: ModuleImporter,
): Promise<TokenCredential> {
  const identity = await loadIdentity(importer);
  const clientId = readVariable(env, 'AZURE_CLIENT_ID');
  switch (method) {
    case 'azure_ad':
      return new identity.DefaultAzureCredential(
        clientId ? { managedIdentityClientId: clientId } : {},
      );
    case 'managed_identity':
      return clientId
        ? new identity.ManagedIdentityCredential({ clientId })
        : new identity.ManagedIdentityCredential();
    case 'azure_cli':
      return new identity.AzureCliCredential();
    case 'azure_developer_cli':
      return new identity.AzureDeveloperCliCredential();
    case 'environment':
      return new identity.EnvironmentCredential();
    case 'workload_identity': {
      const tenantId = readVariable(env, 'AZURE_TENANT_ID');
      const tokenFilePath = readVariable(env, 'AZURE_FEDERATED_TOKEN_FILE');
      return new identity.WorkloadIdentityCredential({
        ...(clientId ? { clientId } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(tokenFilePath ? { tokenFilePath } : {}),
      });
    }
  }
}
