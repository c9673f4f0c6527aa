import {
  type AuthMethod,
  ConfigurationError,
  CREDENTIAL_CLASS_OF,
  type CredentialMethod,
  credentialForMethods,
  describeAuthMethods,
  type Env,
  loadIdentity,
  readJwtClaims,
  registerSecret,
  resolveAuthMethods,
  type TokenCredential,
} from '@bots/auth';
import {
  type ChainLink,
  chainFailures,
  chainOf,
  cliSource,
  describeChain,
  managedIdentitySource,
  servicePrincipalSource,
  workloadIdentitySource,
} from '../credential-chain.js';
import { type Check, errorLine, type Status } from './check.js';

// The credential and token checks of `bots doctor`: which credential a method selects, what it
// finds, and the token it gets (audience and expiry, never the token).

const TOKEN_TIMEOUT_MS = 20_000;

/** The `@azure/identity` class each method builds (`@bots/auth`'s `CREDENTIAL_CLASS_OF`). */
export const CREDENTIAL_CLASS: Readonly<Record<Exclude<AuthMethod, 'api_key'>, string>> =
  CREDENTIAL_CLASS_OF;

/** What the credential of a method will find (names of variables; values only when not secret). */
export function credentialSources(
  method: Exclude<AuthMethod, 'api_key'>,
  env: Env,
  chain: readonly ChainLink[] | undefined,
): string[] {
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
      return [servicePrincipalSource(env)];
    case 'workload_identity':
      return [workloadIdentitySource(env)];
    case 'azure_cli':
      return [cliSource('az')];
    case 'azure_developer_cli':
      return [cliSource('azd')];
  }
}

/** A token within the doctor's time limit, or the credential's error. */
async function getTokenWithin(credential: TokenCredential, scope: string) {
  const signal = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
  const timeout = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () =>
      reject(new Error(`no token within ${TOKEN_TIMEOUT_MS / 1000} s`)),
    );
  });
  return Promise.race([credential.getToken(scope, { abortSignal: signal }), timeout]);
}

/** Audience, expiry and ids of a token (never the token), and whether it is still valid. */
function describeToken(
  token: { token: string; expiresOnTimestamp: number },
  scope: string,
  elapsedMs: number,
): { lines: string[]; valid: boolean } {
  registerSecret(token.token);
  const payload = readJwtClaims(token.token) ?? {};
  const expiresAt = token.expiresOnTimestamp || Number(payload.exp) * 1000;
  const lines = [
    `got a token for scope ${scope} in ${elapsedMs} ms (the token itself is never shown)`,
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
  return { lines, valid: expiresAt > Date.now() };
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
    const token = await getTokenWithin(credential, scope);
    if (!token?.token)
      return {
        name: 'token',
        status: 'missing',
        lines: [`${CREDENTIAL_CLASS[method]} returned no token for ${scope}`],
      };
    const { lines, valid } = describeToken(token, scope, Date.now() - started);
    return { name: 'token', status: valid ? 'ok' : 'missing', lines };
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

/** The `auth` check of `bots doctor` and what the `token` check needs. */
export interface AuthCheck {
  /** The check: the method or the chain, each step's credential class and what it will use. */
  check: Check;
  /** The methods of `AZURE_AUTH_METHOD`, in order (none for API keys). */
  methods: readonly CredentialMethod[];
  /** The credential, when it could be created. */
  credential?: TokenCredential;
  /** For `azure_ad` alone: `DefaultAzureCredential`'s own chain. */
  chain?: ChainLink[];
}

/**
 * The `auth` check: `AZURE_AUTH_METHOD` read (its `ConfigurationError` is thrown: exit 2), the
 * credential created, and for each method (each step of a chain, in order) its class and where it
 * gets its token (endpoint and shape, authority, tenant, ids, file paths, the `az`/`azd` found),
 * never a secret's value.
 */
export async function authCheck(env: Env): Promise<AuthCheck> {
  const methods = resolveAuthMethods(env);
  if (methods.length === 0) {
    return {
      methods,
      check: {
        name: 'auth',
        status: 'ok',
        lines: [
          `AZURE_AUTH_METHOD ${env.AZURE_AUTH_METHOD ? '= api_key' : 'unset'}: API keys are used (set AZURE_AUTH_METHOD=azure_ad for Entra ID tokens)`,
        ],
      },
    };
  }
  const value = describeAuthMethods(methods);
  const [first] = methods as [CredentialMethod];
  const what =
    methods.length === 1
      ? CREDENTIAL_CLASS[first]
      : `a chain (ChainedTokenCredential) of ${methods.length} credentials`;
  try {
    const credential = await credentialForMethods(methods, env);
    const names = Object.keys(await loadIdentity());
    if (methods.length === 1) {
      const chain = first === 'azure_ad' ? chainOf(credential, names) : undefined;
      return {
        methods,
        credential,
        ...(chain ? { chain } : {}),
        check: {
          name: 'auth',
          status: 'ok',
          lines: [`AZURE_AUTH_METHOD=${value}: ${what}`, ...credentialSources(first, env, chain)],
        },
      };
    }
    const steps = stepsOf(credential);
    const lines = [
      `AZURE_AUTH_METHOD=${value}: ${what}, tried in order (the first that gives a token wins):`,
    ];
    methods.forEach((method, index) => {
      const inner =
        method === 'azure_ad' ? chainOf(steps[index] as TokenCredential, names) : undefined;
      const [head = '', ...rest] = credentialSources(method, env, inner);
      lines.push(
        `  ${index + 1}. ${method}: ${CREDENTIAL_CLASS[method]}: ${head}`,
        ...rest.map((line) => `     ${line}`),
      );
    });
    return { methods, credential, check: { name: 'auth', status: 'ok', lines } };
  } catch (error) {
    return {
      methods,
      check: {
        name: 'auth',
        status: error instanceof ConfigurationError ? 'error' : 'missing',
        lines: [`AZURE_AUTH_METHOD=${value}: ${what} could not be created: ${errorLine(error)}`],
      },
    };
  }
}

/** The credentials of a `ChainedTokenCredential`, in order (`@azure/identity` keeps them in `_sources`). */
function stepsOf(credential: TokenCredential): TokenCredential[] {
  const sources = (credential as { _sources?: unknown })._sources;
  return Array.isArray(sources) ? (sources as TokenCredential[]) : [credential];
}

/**
 * The `token` check for what {@link authCheck} found. For a chain, each step's credential is
 * tried alone, in order, until one gives a token: each step's outcome (`ok`, or its own reason),
 * then that token's audience and expiry.
 */
export async function tokenCheckFor(auth: AuthCheck, scope: string): Promise<Check | undefined> {
  const { credential, methods } = auth;
  if (!credential) return undefined;
  const [first] = methods as [CredentialMethod];
  if (methods.length === 1) return tokenCheck(credential, first, scope, auth.chain);
  const steps = stepsOf(credential);
  const outcomes: string[] = [];
  const started = Date.now();
  for (const [index, method] of methods.entries()) {
    const step = steps[index];
    const stepStarted = Date.now();
    try {
      const token = step ? await getTokenWithin(step, scope) : null;
      if (!token?.token) {
        outcomes.push(`  ${index + 1}. ${method}: no token`);
        continue;
      }
      outcomes.push(`  ${index + 1}. ${method}: ok`);
      const { lines, valid } = describeToken(token, scope, Date.now() - stepStarted);
      return {
        name: 'token',
        status: valid ? 'ok' : 'missing',
        lines: [...lines, 'each step of the chain, in order:', ...outcomes],
      };
    } catch (error) {
      outcomes.push(`  ${index + 1}. ${method}: ${errorLine(error)}`);
    }
  }
  return {
    name: 'token',
    status: 'missing',
    lines: [
      `no token for scope ${scope} after ${Date.now() - started} ms: every step of the chain failed, in order:`,
      ...outcomes,
    ],
  };
}

function minutesLeft(expiresAt: number): string {
  const minutes = Math.round((expiresAt - Date.now()) / 60_000);
  return minutes >= 0 ? `${minutes} min left` : `expired ${-minutes} min ago`;
}
