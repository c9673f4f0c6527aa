import { type CredentialMethod, type Env, readVariable } from './auth-method.js';
import { ConfigurationError } from './errors.js';
import { describeValue } from './option-checks.js';

/** Picks a user-assigned managed identity by its resource id (`/subscriptions/.../userAssignedIdentities/name`). */
export const IDENTITY_RESOURCE_ID_VARIABLE = 'AZURE_AUTH_IDENTITY_RESOURCE_ID';
/** Picks a user-assigned managed identity by its object (principal) id. */
export const IDENTITY_OBJECT_ID_VARIABLE = 'AZURE_AUTH_IDENTITY_OBJECT_ID';
/** `true` turns off MSAL's instance discovery (private and sovereign clouds, Azure Stack Hub, the emulator). */
export const DISABLE_INSTANCE_DISCOVERY_VARIABLE = 'AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY';

/** The `@azure/identity` classes the methods build. */
export type CredentialClassName =
  | 'DefaultAzureCredential'
  | 'ManagedIdentityCredential'
  | 'AzureCliCredential'
  | 'AzureDeveloperCliCredential'
  | 'EnvironmentCredential'
  | 'WorkloadIdentityCredential';

/** The `@azure/identity` class each credential method builds. */
export const CREDENTIAL_CLASS_OF: Readonly<Record<CredentialMethod, CredentialClassName>> =
  Object.freeze({
    azure_ad: 'DefaultAzureCredential',
    managed_identity: 'ManagedIdentityCredential',
    azure_cli: 'AzureCliCredential',
    azure_developer_cli: 'AzureDeveloperCliCredential',
    environment: 'EnvironmentCredential',
    workload_identity: 'WorkloadIdentityCredential',
  });

/** Which user-assigned managed identity the environment picks, by which id; `{}` for system-assigned. */
export type ManagedIdentityChoice =
  | { clientId: string; from: 'AZURE_CLIENT_ID' }
  | { resourceId: string; from: typeof IDENTITY_RESOURCE_ID_VARIABLE }
  | { objectId: string; from: typeof IDENTITY_OBJECT_ID_VARIABLE }
  | { from?: undefined };

/** What a method's credential is built from: its class and the constructor options (no secrets). */
export interface CredentialPlan {
  /** The method. */
  method: CredentialMethod;
  /** The `@azure/identity` class. */
  className: CredentialClassName;
  /** The options object the constructor gets. */
  options: Readonly<Record<string, string | boolean>>;
}

/**
 * The user-assigned managed identity the env picks: `AZURE_CLIENT_ID`,
 * `AZURE_AUTH_IDENTITY_RESOURCE_ID` or `AZURE_AUTH_IDENTITY_OBJECT_ID`, at most one of them
 * (more is a `ConfigurationError` naming them); none picks the system-assigned identity.
 */
export function managedIdentityChoice(env: Env): ManagedIdentityChoice {
  const clientId = readVariable(env, 'AZURE_CLIENT_ID');
  const resourceId = readVariable(env, IDENTITY_RESOURCE_ID_VARIABLE);
  const objectId = readVariable(env, IDENTITY_OBJECT_ID_VARIABLE);
  const set = [
    clientId && 'AZURE_CLIENT_ID',
    resourceId && IDENTITY_RESOURCE_ID_VARIABLE,
    objectId && IDENTITY_OBJECT_ID_VARIABLE,
  ].filter((name): name is string => Boolean(name));
  if (set.length > 1) {
    throw new ConfigurationError(
      `${set.join(' and ')} are set, but a user-assigned managed identity is picked by one id: set only one of AZURE_CLIENT_ID (its client id), ${IDENTITY_RESOURCE_ID_VARIABLE} (its resource id) or ${IDENTITY_OBJECT_ID_VARIABLE} (its object id), or none for the system-assigned identity.`,
    );
  }
  if (clientId) return { clientId, from: 'AZURE_CLIENT_ID' };
  if (resourceId) return { resourceId, from: IDENTITY_RESOURCE_ID_VARIABLE };
  if (objectId) return { objectId, from: IDENTITY_OBJECT_ID_VARIABLE };
  return {};
}

/**
 * `AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY`: `true` or `false` (case-insensitive), `undefined` when
 * unset; any other value is a `ConfigurationError`.
 */
export function instanceDiscoveryDisabled(env: Env): boolean | undefined {
  const raw = readVariable(env, DISABLE_INSTANCE_DISCOVERY_VARIABLE)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigurationError(
    `${DISABLE_INSTANCE_DISCOVERY_VARIABLE} is ${describeValue(env[DISABLE_INSTANCE_DISCOVERY_VARIABLE])}; set it to true (for an authority the public cloud does not know: a private or sovereign cloud, Azure Stack Hub, a local emulator) or false, or leave it unset.`,
  );
}

/** Options of {@link credentialPlan}. */
export interface CredentialPlanOptions {
  /**
   * Another credential follows this one in a chain: a managed identity on the IMDS default then
   * sends `@azure/identity`'s one-second availability probe first (as `DefaultAzureCredential`
   * does), so that a machine without IMDS moves on at once instead of waiting on retries.
   */
  followedByAnother?: boolean;
}

/**
 * Decides the class and constructor options of a method's credential from the env, without
 * loading `@azure/identity`: the user-assigned identity (see {@link managedIdentityChoice}),
 * `disableInstanceDiscovery` (see {@link instanceDiscoveryDisabled}), the workload identity's
 * variables. Throws the `ConfigurationError`s of bad input.
 */
export function credentialPlan(
  method: CredentialMethod,
  env: Env,
  planOptions: CredentialPlanOptions = {},
): CredentialPlan {
  const className = CREDENTIAL_CLASS_OF[method];
  const discovery = instanceDiscoveryDisabled(env);
  const withDiscovery: Record<string, boolean> =
    discovery === undefined ? {} : { disableInstanceDiscovery: discovery };
  const plan = (options: Record<string, string | boolean>): CredentialPlan => ({
    method,
    className,
    options,
  });
  switch (method) {
    case 'azure_ad': {
      const choice = managedIdentityChoice(env);
      if ('objectId' in choice) {
        throw new ConfigurationError(
          `${IDENTITY_OBJECT_ID_VARIABLE} is set, but DefaultAzureCredential (AZURE_AUTH_METHOD=azure_ad) cannot pick a managed identity by object id. Set AZURE_AUTH_METHOD=managed_identity, or pick the identity by AZURE_CLIENT_ID or ${IDENTITY_RESOURCE_ID_VARIABLE}.`,
        );
      }
      return plan({
        ...('clientId' in choice ? { managedIdentityClientId: choice.clientId } : {}),
        ...('resourceId' in choice ? { managedIdentityResourceId: choice.resourceId } : {}),
        ...withDiscovery,
      });
    }
    case 'managed_identity': {
      const { from: _from, ...ids } = managedIdentityChoice(env);
      return plan({ ...ids, ...(planOptions.followedByAnother ? { sendProbeRequest: true } : {}) });
    }
    case 'azure_cli':
    case 'azure_developer_cli':
      return plan({});
    case 'environment':
      return plan({ ...withDiscovery });
    case 'workload_identity': {
      const clientId = readVariable(env, 'AZURE_CLIENT_ID');
      const tenantId = readVariable(env, 'AZURE_TENANT_ID');
      const tokenFilePath = readVariable(env, 'AZURE_FEDERATED_TOKEN_FILE');
      return plan({
        ...(clientId ? { clientId } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(tokenFilePath ? { tokenFilePath } : {}),
        ...withDiscovery,
      });
    }
  }
}
