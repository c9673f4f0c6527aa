import type { EmulatorState } from '../emulator-state.js';
import {
  isManagedIdentitySource,
  MANAGED_IDENTITY_PATHS,
  MANAGED_IDENTITY_SOURCES,
  type ManagedIdentitySource,
} from './managed-identity-source.js';

/**
 * The environment variables that make `@azure/identity`'s `ManagedIdentityCredential` (and
 * `DefaultAzureCredential`) use one managed-identity shape of the emulator, and only that one.
 * The Azure Arc shape writes its key file first and throws `AzureArcKeyFolderError` when it cannot;
 * an unknown shape throws a `TypeError` that lists the known ones.
 */
export function managedIdentityEnv(
  shape: ManagedIdentitySource,
  state: EmulatorState,
): Record<string, string> {
  if (typeof shape !== 'string' || !isManagedIdentitySource(shape)) {
    throw new TypeError(
      `credentialEnv: unknown managed-identity shape ${JSON.stringify(shape)}; use one of ${MANAGED_IDENTITY_SOURCES.join(', ')}.`,
    );
  }
  const base = state.urls.base;
  const url = `${base}${MANAGED_IDENTITY_PATHS[shape]}`;
  switch (shape) {
    case 'app-service':
      return { IDENTITY_ENDPOINT: url, IDENTITY_HEADER: state.identityHeader };
    case 'imds':
      return { AZURE_POD_IDENTITY_AUTHORITY_HOST: base };
    case 'cloud-shell':
      return { MSI_ENDPOINT: url };
    case 'azure-ml':
      return {
        MSI_ENDPOINT: url,
        MSI_SECRET: state.managedIdentity.azureMlSecret,
        DEFAULT_IDENTITY_CLIENT_ID: state.managedIdentity.systemClientId,
      };
    case 'azure-arc':
      state.managedIdentity.arcKey.ensure();
      return { IDENTITY_ENDPOINT: url, IMDS_ENDPOINT: base };
  }
}
