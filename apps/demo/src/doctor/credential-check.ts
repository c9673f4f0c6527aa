import {
  type AuthMethod,
  ConfigurationError,
  type Env,
  readJwtClaims,
  registerSecret,
  type TokenCredential,
} from '@bots/auth';
import {
  type ChainLink,
  chainFailures,
  describeChain,
  managedIdentitySource,
  onPath,
} from '../credential-chain.js';
import { type Check, errorLine, type Status } from './check.js';

// The credential and token checks of `bots doctor`: which credential a method selects, what it
// finds, and the token it gets (audience and expiry, never the token).

const TOKEN_TIMEOUT_MS = 20_000;

/** The `@azure/identity` class each method builds. */
export const CREDENTIAL_CLASS: Record<Exclude<AuthMethod, 'api_key'>, string> = {
  azure_ad: 'DefaultAzureCredential',
  managed_identity: 'ManagedIdentityCredential',
  azure_cli: 'AzureCliCredential',
  azure_developer_cli: 'AzureDeveloperCliCredential',
  environment: 'EnvironmentCredential',
  workload_identity: 'WorkloadIdentityCredential',
};

/** What the credential of a method will find (names of variables; values only when not secret). */
export function credentialSources(
  method: Exclude<AuthMethod, 'api_key'>,
  env: Env,
  chain: readonly ChainLink[] | undefined,
): string[] {
  const clientId = env.AZURE_CLIENT_ID?.trim();
  switch (method) {
    case 'azure_ad': {
      const narrowed = env.AZURE_TOKEN_CREDENTIALS?.trim()
        ? [`AZURE_TOKEN_CREDENTIALS=${env.AZURE_TOKEN_CREDENTIALS} narrows the chain`]
        : [];
      if (!chain)
        return [
          ...narrowed,
          'its chain of credentials is not known (not a ChainedTokenCredential)',
        ];
      return [
        ...narrowed,
        'chain, in the order the installed @azure/identity tries it (the first that gives a token wins):',
        ...describeChain(chain, env),
      ];
    }
    case 'managed_identity':
      return [`managed identity: ${managedIdentitySource(env)}`];
    case 'environment':
      return [
        `service principal: AZURE_TENANT_ID ${env.AZURE_TENANT_ID ?? 'NOT set'}, AZURE_CLIENT_ID ${clientId ?? 'NOT set'}, ${env.AZURE_CLIENT_SECRET ? 'AZURE_CLIENT_SECRET set' : env.AZURE_CLIENT_CERTIFICATE_PATH ? `certificate ${env.AZURE_CLIENT_CERTIFICATE_PATH}` : 'NO secret or certificate set'}`,
      ];
    case 'workload_identity':
      return [
        `workload identity: AZURE_FEDERATED_TOKEN_FILE ${env.AZURE_FEDERATED_TOKEN_FILE ?? 'NOT set'}, AZURE_CLIENT_ID ${clientId ?? 'NOT set'}, AZURE_TENANT_ID ${env.AZURE_TENANT_ID ?? 'NOT set'}`,
      ];
    case 'azure_cli':
      return [`az ${onPath('az') ? 'on PATH (az login)' : 'NOT installed'}`];
    case 'azure_developer_cli':
      return [`azd ${onPath('azd') ? 'on PATH (azd auth login)' : 'NOT installed'}`];
  }
}

function minutesLeft(expiresAt: number): string {
  const minutes = Math.round((expiresAt - Date.now()) / 60_000);
  return minutes >= 0 ? `${minutes} min left` : `expired ${-minutes} min ago`;
}

/** Gets a token for `scope` with the method's credential and describes it. */
export async function tokenCheck(
  credential: TokenCredential,
  method: Exclude<AuthMethod, 'api_key'>,
  scope: string,
  chain: readonly ChainLink[] | undefined,
): Promise<Check> {
  const started = Date.now();
  try {
    const signal = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
    const timeout = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () =>
        reject(new Error(`no token within ${TOKEN_TIMEOUT_MS / 1000} s`)),
      );
    });
    const token = await Promise.race([
      credential.getToken(scope, { abortSignal: signal }),
      timeout,
    ]);
    if (!token?.token)
      return {
        name: 'token',
        status: 'missing',
        lines: [`${CREDENTIAL_CLASS[method]} returned no token for ${scope}`],
      };
    registerSecret(token.token);
    const payload = readJwtClaims(token.token) ?? {};
    const expiresAt = token.expiresOnTimestamp || Number(payload.exp) * 1000;
    const lines = [
      `got a token for scope ${scope} in ${Date.now() - started} ms (the token itself is never shown)`,
      `audience ${String(payload.aud ?? '(not a JWT: unknown)')}`,
      `expires ${Number.isFinite(expiresAt) ? `${new Date(expiresAt).toISOString()} (${minutesLeft(expiresAt)})` : 'unknown'}`,
    ];
    const ids = [
      payload.tid ? `tenant ${String(payload.tid)}` : undefined,
      payload.appid || payload.azp ? `app ${String(payload.appid ?? payload.azp)}` : undefined,
      payload.oid ? `object ${String(payload.oid)}` : undefined,
      payload.idtyp ? `type ${String(payload.idtyp)}` : undefined,
    ].filter(Boolean);
    if (ids.length > 0) lines.push(ids.join(', '));
    return { name: 'token', status: expiresAt > Date.now() ? 'ok' : 'missing', lines };
  } catch (error) {
    const status: Status = error instanceof ConfigurationError ? 'error' : 'missing';
    const each = chainFailures(error, chain);
    return {
      name: 'token',
      status,
      lines: [
        `no token for scope ${scope} after ${Date.now() - started} ms: ${errorLine(error)}`,
        ...(each ? ['each credential of the chain said:', ...each] : []),
      ],
    };
  }
}
