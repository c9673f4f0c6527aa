import { execFileSync } from 'node:child_process';
import { type Env, managedIdentityChoice, redact, type TokenCredential } from '@bots/auth';
import { withoutEscapes } from './terminal-text.js';

/**
 * The credentials of `DefaultAzureCredential`, as the installed `@azure/identity` builds them: the
 * chain is read from the credential itself (a `ChainedTokenCredential` keeps its credentials, in
 * the order it tries them, in `_sources`), so it follows the installed version and
 * `AZURE_TOKEN_CREDENTIALS`, instead of a list here that would drift.
 */

/** One credential of a chain. */
export interface ChainLink {
  /** Its class, e.g. `AzureCliCredential`. */
  name: string;
  /** Why the chain skips it without trying (it could not be created), when it does. */
  skipped?: string;
}

interface ChainSource {
  constructor?: { name?: string };
  /** Set by `@azure/identity` on the stand-in for a credential it could not create. */
  credentialName?: unknown;
  credentialUnavailableErrorMessage?: unknown;
}

/**
 * The chain of a `ChainedTokenCredential`, in order; undefined when the credential is not one.
 * `classNames` (the exports of `@azure/identity`) spell the names of credentials it could not
 * create as their classes do (its factory `createDefaultAzurePowershellCredential` makes an
 * `AzurePowerShellCredential`).
 */
export function chainOf(
  credential: TokenCredential,
  classNames: readonly string[] = [],
): ChainLink[] | undefined {
  const sources = (credential as { _sources?: unknown })._sources;
  if (!Array.isArray(sources) || sources.length === 0) return undefined;
  return sources.map((source: ChainSource) => {
    if (typeof source?.credentialName === 'string') {
      // The stand-in is named after the function that failed: createDefaultBrokerCredential.
      const name = source.credentialName.replace(/^createDefault/, '');
      const spelled = classNames.find((known) => known.toLowerCase() === name.toLowerCase());
      return { name: spelled ?? name, skipped: reasonOf(source.credentialUnavailableErrorMessage) };
    }
    return { name: source?.constructor?.name || 'an unnamed credential' };
  });
}

/** Where `program` is on this process's `PATH` (as the Azure CLI credentials will look), if it is. */
export function findOnPath(program: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v "$0"', program], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** Whether `program` is on this process's `PATH`. */
export function onPath(program: string): boolean {
  return findOnPath(program) !== undefined;
}

function set(env: Env, name: string): boolean {
  return Boolean(env[name]?.trim());
}

function shown(env: Env, name: string): string {
  return set(env, name) ? `${name}=${env[name]?.trim()}` : `${name} NOT set`;
}

/** `set` or `NOT set` for a secret: never its value. */
function secret(env: Env, name: string): string {
  return `${name} ${set(env, name) ? 'set' : 'NOT set'}`;
}

/** The authority a service principal or workload identity signs in at, and instance discovery. */
export function authorityLine(env: Env): string {
  const host = set(env, 'AZURE_AUTHORITY_HOST')
    ? `authority AZURE_AUTHORITY_HOST=${env.AZURE_AUTHORITY_HOST?.trim()}`
    : 'authority https://login.microsoftonline.com (the public cloud: AZURE_AUTHORITY_HOST not set)';
  const discovery = env.AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY?.trim().toLowerCase();
  return `${host}, instance discovery ${discovery === 'true' ? 'off (AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY=true)' : 'on (AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY=true turns it off for a private cloud)'}`;
}

/**
 * Where managed identity will ask for a token, from the variables `@azure/identity` and MSAL read,
 * in the order they pick a source (AKS token exchange, Service Fabric, App Service, Azure ML,
 * Cloud Shell, Azure Arc, IMDS), and which identity (user-assigned by which id, or
 * system-assigned). Secrets are only "set" or "NOT set".
 */
export function managedIdentitySource(env: Env): string {
  let who: string;
  let clientId: string | undefined;
  try {
    const choice = managedIdentityChoice(env);
    if ('clientId' in choice) {
      clientId = choice.clientId;
      who = `, user-assigned AZURE_CLIENT_ID=${choice.clientId}`;
    } else if ('resourceId' in choice) {
      who = `, user-assigned by resource id AZURE_AUTH_IDENTITY_RESOURCE_ID=${choice.resourceId}`;
    } else if ('objectId' in choice) {
      who = `, user-assigned by object id AZURE_AUTH_IDENTITY_OBJECT_ID=${choice.objectId}`;
    } else who = ', system-assigned';
  } catch (error) {
    who = `, identity ids in conflict: ${(error as Error).message}`;
  }
  let where: string;
  if (clientId && set(env, 'AZURE_TENANT_ID') && set(env, 'AZURE_FEDERATED_TOKEN_FILE')) {
    where = `AKS token exchange (workload identity federation): token file ${shown(env, 'AZURE_FEDERATED_TOKEN_FILE')}, tenant ${shown(env, 'AZURE_TENANT_ID')}, ${authorityLine(env).replace(/, instance discovery.*/, '')}`;
  } else if (
    set(env, 'IDENTITY_ENDPOINT') &&
    set(env, 'IDENTITY_HEADER') &&
    set(env, 'IDENTITY_SERVER_THUMBPRINT')
  ) {
    where = `Service Fabric endpoint IDENTITY_ENDPOINT=${env.IDENTITY_ENDPOINT} (${secret(env, 'IDENTITY_HEADER')}, IDENTITY_SERVER_THUMBPRINT=${env.IDENTITY_SERVER_THUMBPRINT})`;
  } else if (set(env, 'IDENTITY_ENDPOINT') && set(env, 'IDENTITY_HEADER')) {
    where = `App Service endpoint IDENTITY_ENDPOINT=${env.IDENTITY_ENDPOINT} (IDENTITY_HEADER set)`;
  } else if (set(env, 'MSI_ENDPOINT') && set(env, 'MSI_SECRET')) {
    where = `Azure ML endpoint MSI_ENDPOINT=${env.MSI_ENDPOINT} (MSI_SECRET set)`;
  } else if (set(env, 'MSI_ENDPOINT')) {
    where = `Cloud Shell endpoint MSI_ENDPOINT=${env.MSI_ENDPOINT}`;
  } else if (set(env, 'IDENTITY_ENDPOINT') && set(env, 'IMDS_ENDPOINT')) {
    where = `Azure Arc endpoint IDENTITY_ENDPOINT=${env.IDENTITY_ENDPOINT} (IMDS_ENDPOINT=${env.IMDS_ENDPOINT})`;
  } else if (set(env, 'IDENTITY_ENDPOINT')) {
    where = `IDENTITY_ENDPOINT=${env.IDENTITY_ENDPOINT} but ${secret(env, 'IDENTITY_HEADER')} and IMDS_ENDPOINT NOT set: no shape matches, so IMDS`;
  } else if (set(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST')) {
    where = `IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${env.AZURE_POD_IDENTITY_AUTHORITY_HOST}`;
  } else {
    where = 'IMDS (http://169.254.169.254), which answers only on an Azure VM or container host';
  }
  return `${where}${who}`;
}

/** What a service principal from the environment (`EnvironmentCredential`) will use. */
export function servicePrincipalSource(env: Env): string {
  const proof = set(env, 'AZURE_CLIENT_SECRET')
    ? 'AZURE_CLIENT_SECRET set'
    : set(env, 'AZURE_CLIENT_CERTIFICATE_PATH')
      ? `certificate AZURE_CLIENT_CERTIFICATE_PATH=${env.AZURE_CLIENT_CERTIFICATE_PATH} (${secret(env, 'AZURE_CLIENT_CERTIFICATE_PASSWORD')})`
      : 'NO secret or certificate set (AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)';
  return `service principal: tenant ${shown(env, 'AZURE_TENANT_ID')}, client ${shown(env, 'AZURE_CLIENT_ID')}, ${proof}, ${authorityLine(env)}`;
}

/** What a workload identity (`WorkloadIdentityCredential`) will use. */
export function workloadIdentitySource(env: Env): string {
  return `workload identity: token file ${shown(env, 'AZURE_FEDERATED_TOKEN_FILE')}, client ${shown(env, 'AZURE_CLIENT_ID')}, tenant ${shown(env, 'AZURE_TENANT_ID')}, ${authorityLine(env)}`;
}

/** Where `az` or `azd` is, and how to sign in with it. */
export function cliSource(program: 'az' | 'azd'): string {
  const login = program === 'az' ? 'az login' : 'azd auth login';
  const found = findOnPath(program);
  return found
    ? `${program} on PATH (${login}): ${found}`
    : `${program} NOT installed (not on PATH)`;
}

/** What each credential of the chain will find here (names of variables; values only when not secret). */
const SOURCES: Record<string, (env: Env) => string> = {
  EnvironmentCredential: (env) =>
    set(env, 'AZURE_TENANT_ID') &&
    set(env, 'AZURE_CLIENT_ID') &&
    (set(env, 'AZURE_CLIENT_SECRET') || set(env, 'AZURE_CLIENT_CERTIFICATE_PATH'))
      ? `service principal AZURE_CLIENT_ID=${env.AZURE_CLIENT_ID} with a ${set(env, 'AZURE_CLIENT_SECRET') ? 'secret' : 'certificate'}`
      : 'not configured (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)',
  WorkloadIdentityCredential: (env) =>
    set(env, 'AZURE_FEDERATED_TOKEN_FILE')
      ? `AZURE_FEDERATED_TOKEN_FILE=${env.AZURE_FEDERATED_TOKEN_FILE}`
      : 'not configured (AZURE_FEDERATED_TOKEN_FILE)',
  ManagedIdentityCredential: managedIdentitySource,
  VisualStudioCodeCredential: () =>
    'the VS Code Azure sign-in (needs the @azure/identity-vscode plugin)',
  AzureCliCredential: () => cliSource('az'),
  AzurePowerShellCredential: () =>
    onPath('pwsh') || onPath('powershell')
      ? 'PowerShell on PATH (Connect-AzAccount)'
      : 'PowerShell not installed',
  AzureDeveloperCliCredential: () => cliSource('azd'),
  BrokerCredential: () => 'the Windows broker (needs the @azure/identity-broker plugin)',
};

/** One line per credential of the chain: `3. ManagedIdentityCredential: App Service endpoint ...`. */
export function describeChain(chain: readonly ChainLink[], env: Env): string[] {
  return chain.map((link, index) => {
    const source = link.skipped
      ? `skipped: ${link.skipped}`
      : (SOURCES[link.name]?.(env) ?? 'no details known');
    return `  ${index + 1}. ${link.name}: ${source}`;
  });
}

function reasonOf(message: unknown): string {
  const text = withoutEscapes(redact(String(message ?? '')))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

/**
 * Each credential's own reason from the chain's `AggregateAuthenticationError` (its `errors`,
 * one per credential it tried, in order), or undefined for another error. The credentials the
 * chain skipped say why too.
 */
export function chainFailures(
  error: unknown,
  chain: readonly ChainLink[] | undefined,
): string[] | undefined {
  const errors = (error as { errors?: unknown }).errors;
  if ((error as Error)?.name !== 'AggregateAuthenticationError' || !Array.isArray(errors)) {
    return undefined;
  }
  const reasons = errors.map((each: { message?: unknown }) => reasonOf(each?.message));
  const tried = chain?.filter((link) => link.skipped === undefined) ?? [];
  if (!chain || tried.length !== reasons.length) {
    return reasons.map((reason, index) => `  ${index + 1}. ${reason}`);
  }
  let next = 0;
  return chain.map((link, index) => {
    const reason = link.skipped !== undefined ? `skipped: ${link.skipped}` : reasons[next++];
    const withoutName = (reason ?? '').replace(new RegExp(`^${link.name}:\\s*`), '');
    return `  ${index + 1}. ${link.name}: ${withoutName}`;
  });
}
