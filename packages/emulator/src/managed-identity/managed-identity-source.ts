/**
 * The managed-identity protocols the emulator speaks, one per hosting environment that
 * `@azure/msal-node` (under `@azure/identity`) knows:
 * - `app-service`: App Service and Functions (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`).
 * - `imds`: the Azure VM instance metadata service (`AZURE_POD_IDENTITY_AUTHORITY_HOST`).
 * - `cloud-shell`: Azure Cloud Shell (`MSI_ENDPOINT` alone).
 * - `azure-ml`: Azure Machine Learning compute (`MSI_ENDPOINT` + `MSI_SECRET`).
 * - `azure-arc`: Azure Arc-enabled servers (`IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`).
 */
export type ManagedIdentitySource =
  | 'app-service'
  | 'imds'
  | 'cloud-shell'
  | 'azure-ml'
  | 'azure-arc';

/** Every managed-identity source, in a stable order. */
export const MANAGED_IDENTITY_SOURCES: readonly ManagedIdentitySource[] = [
  'app-service',
  'imds',
  'cloud-shell',
  'azure-ml',
  'azure-arc',
];

/** The path each source is served at on the main listener (one emulator serves them all). */
export const MANAGED_IDENTITY_PATHS: Readonly<Record<ManagedIdentitySource, string>> = {
  'app-service': '/msi/token',
  imds: '/metadata/identity/oauth2/token',
  'cloud-shell': '/cloud-shell/oauth2/token',
  'azure-ml': '/azure-ml/msi/token',
  'azure-arc': '/azure-arc/metadata/identity/oauth2/token',
};

/** The HTTP method `@azure/msal-node` uses for each source. */
export const MANAGED_IDENTITY_METHODS: Readonly<Record<ManagedIdentitySource, 'GET' | 'POST'>> = {
  'app-service': 'GET',
  imds: 'GET',
  'cloud-shell': 'POST',
  'azure-ml': 'GET',
  'azure-arc': 'GET',
};

/** Which source a (normalised) path of the main listener serves, if any. */
export function managedIdentitySourceAt(path: string): ManagedIdentitySource | undefined {
  return MANAGED_IDENTITY_SOURCES.find((source) => MANAGED_IDENTITY_PATHS[source] === path);
}

/** Tells whether a string names a managed-identity source. */
export function isManagedIdentitySource(value: string): value is ManagedIdentitySource {
  return (MANAGED_IDENTITY_SOURCES as readonly string[]).includes(value);
}
