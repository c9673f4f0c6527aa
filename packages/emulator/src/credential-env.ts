import type { EmulatorApplicationCredentials, EmulatorAuthority } from './authority/authority.js';
import type { CliStandIns } from './cli/cli-stand-ins.js';
import type { EmulatorState } from './emulator-state.js';
import { managedIdentityEnv } from './managed-identity/managed-identity-env.js';
import {
  isManagedIdentitySource,
  MANAGED_IDENTITY_SOURCES,
} from './managed-identity/managed-identity-source.js';

/** Where a credential gets its token from the emulator, besides the managed-identity shapes. */
export const APPLICATION_SHAPES = [
  'client-secret',
  'client-certificate',
  'workload-identity',
] as const;

/** The developer-login stand-ins. */
export const CLI_SHAPES = ['azure-cli', 'azure-developer-cli'] as const;

/** Every shape `credentialEnv` knows, managed identity first. */
export const CREDENTIAL_SHAPES = [
  ...MANAGED_IDENTITY_SOURCES,
  ...APPLICATION_SHAPES,
  ...CLI_SHAPES,
] as const;

/**
 * A way `@azure/identity` gets a token from the emulator: a managed-identity shape
 * (`app-service`, `imds`, `cloud-shell`, `azure-ml`, `azure-arc`), a service principal with a
 * secret or a certificate or a federated token file (`workload-identity`, also AKS's token
 * exchange for `ManagedIdentityCredential`), or the `az` / `azd` stand-ins.
 */
export type CredentialShape = (typeof CREDENTIAL_SHAPES)[number];

/** What the application and CLI shapes need from the running emulator. */
export interface CredentialEnvSources {
  authority: EmulatorAuthority;
  application: EmulatorApplicationCredentials;
  writeFederatedTokenFile(): string;
  writeCliStandIns(): CliStandIns;
}

/**
 * The environment for one credential shape, and only that one. The application shapes carry
 * `NODE_EXTRA_CA_CERTS` (read by Node only when a process starts: set it in the environment of a
 * new process) and `AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY=true` (read by `@bots/auth`; with
 * `@azure/identity` alone pass `disableInstanceDiscovery: true`). The CLI shapes write the
 * stand-ins and give `PATH` with their folder first.
 */
export function credentialEnv(
  shape: CredentialShape,
  state: EmulatorState,
  sources: CredentialEnvSources,
): Record<string, string> {
  if (typeof shape === 'string' && isManagedIdentitySource(shape)) {
    return managedIdentityEnv(shape, state);
  }
  const { authority, application } = sources;
  const common = {
    NODE_EXTRA_CA_CERTS: authority.caPath,
    AZURE_AUTHORITY_HOST: authority.url,
    AZURE_TENANT_ID: application.tenantId,
    AZURE_CLIENT_ID: application.clientId,
    AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'true',
  };
  switch (shape) {
    case 'client-secret':
      return { ...common, AZURE_CLIENT_SECRET: application.secret };
    case 'client-certificate':
      return { ...common, AZURE_CLIENT_CERTIFICATE_PATH: application.certificatePath };
    case 'workload-identity':
      return { ...common, AZURE_FEDERATED_TOKEN_FILE: sources.writeFederatedTokenFile() };
    case 'azure-cli':
    case 'azure-developer-cli':
      return { ...sources.writeCliStandIns().env };
    default:
      throw new TypeError(
        `credentialEnv: unknown credential shape ${JSON.stringify(shape)}; use one of ${CREDENTIAL_SHAPES.join(', ')}.`,
      );
  }
}
