import { execFileSync } from 'node:child_process';
import { type Env, redact, type TokenCredential } from '@bots/auth';
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

/** Whether `program` is on this process's `PATH` (as the Azure CLI credentials will look). */
export function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function set(env: Env, name: string): boolean {
  return Boolean(env[name]?.trim());
}

/** Where managed identity will ask for a token, from the variables `@azure/identity` reads. */
export function managedIdentitySource(env: Env): string {
  const where = set(env, 'IDENTITY_ENDPOINT')
    ? `App Service endpoint IDENTITY_ENDPOINT=${env.IDENTITY_ENDPOINT} (IDENTITY_HEADER ${set(env, 'IDENTITY_HEADER') ? 'set' : 'NOT set'})`
    : set(env, 'MSI_ENDPOINT')
      ? `MSI_ENDPOINT=${env.MSI_ENDPOINT}`
      : 'IMDS (http://169.254.169.254), which answers only on an Azure VM or container host';
  const clientId = env.AZURE_CLIENT_ID?.trim();
  return `${where}${clientId ? `, user-assigned AZURE_CLIENT_ID=${clientId}` : ', system-assigned'}`;
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
  AzureCliCredential: () => (onPath('az') ? 'az on PATH (az login)' : 'az not installed'),
  AzurePowerShellCredential: () =>
    onPath('pwsh') || onPath('powershell')
      ? 'PowerShell on PATH (Connect-AzAccount)'
      : 'PowerShell not installed',
  AzureDeveloperCliCredential: () =>
    onPath('azd') ? 'azd on PATH (azd auth login)' : 'azd not installed',
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
