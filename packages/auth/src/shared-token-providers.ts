import { createHmac, randomBytes } from 'node:crypto';
import { type CredentialMethod, type Env, readVariable } from './auth-method.js';
import { credentialPlan } from './credential-plan.js';
import type { CachedTokenProvider } from './token-provider.js';

/**
 * Variables of the process that `@azure/identity` reads to decide who a credential signs in as
 * and where it gets its tokens (it always reads `process.env`, whatever `env` a caller passes).
 * Two credentials that differ in one of them may get different tokens, so they never share.
 */
const IDENTIFYING_VARIABLES = [
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_AUTHORITY_HOST',
  'AZURE_TOKEN_CREDENTIALS',
  'AZURE_REGIONAL_AUTHORITY_NAME',
  'AZURE_ADDITIONALLY_ALLOWED_TENANTS',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN',
  'AZURE_USERNAME',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_CONFIG_DIR',
  'AZD_CONFIG_DIR',
  'IDENTITY_ENDPOINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'IDENTITY_SERVER_THUMBPRINT',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'AZURE_KUBERNETES_TOKEN_PROXY',
  // Which `az` / `azd` executable runs.
  'PATH',
] as const;

/**
 * The same, for variables that hold a secret (or point at one): they are part of the key only as
 * a keyed hash, so two service principals with different secrets never share and the key holds
 * no secret.
 */
const SECRET_VARIABLES = [
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_PASSWORD',
  'IDENTITY_HEADER',
  'MSI_SECRET',
] as const;

/** What, besides the credential and the scope, decides how a shared provider behaves. */
export interface SharedTokenProviderSettings {
  /** `refreshWindowMs`, `expiryMarginMs` and `label` of the cache, when not the defaults. */
  cacheOptions?: Readonly<Record<string, string | number | undefined>>;
}

// A random key per process: a hash in a key cannot be checked against guessed secrets elsewhere.
const HASH_KEY = randomBytes(32);

function keyedHash(value: string): string {
  return `hmac:${createHmac('sha256', HASH_KEY).update(value).digest('hex').slice(0, 32)}`;
}

/**
 * The key under which {@link sharedTokenProvider} keeps a provider: the methods in chain order,
 * each step's constructor options ({@link credentialPlan}: user-assigned identity ids, instance
 * discovery, workload identity settings), the identifying variables `@azure/identity` reads from
 * `process` (tenant, client id, authority host, managed-identity endpoints, federated token file,
 * `PATH` for the CLIs; secrets such as `AZURE_CLIENT_SECRET` or `IDENTITY_HEADER` only as a keyed
 * hash that is never the same in two processes), the scope and the cache settings. Holds no
 * secret, so it may be logged. Throws the `ConfigurationError`s of `credentialPlan`.
 */
export function sharedTokenProviderKey(
  methods: readonly CredentialMethod[],
  env: Env,
  scope: string,
  settings: SharedTokenProviderSettings = {},
): string {
  const steps = methods.map((method, index) => {
    const plan = credentialPlan(method, env, { followedByAnother: index < methods.length - 1 });
    return [method, sortedEntries(plan.options)];
  });
  const processEnv = process.env;
  const variables: [string, string][] = [];
  for (const name of IDENTIFYING_VARIABLES) {
    const value = readVariable(processEnv, name);
    if (value !== undefined) variables.push([name, value]);
  }
  for (const name of SECRET_VARIABLES) {
    const value = readVariable(processEnv, name);
    if (value !== undefined) variables.push([name, keyedHash(value)]);
  }
  return JSON.stringify({
    methods: steps,
    scope,
    process: variables,
    cache: sortedEntries(settings.cacheOptions ?? {}),
  });
}

function sortedEntries(record: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The providers of the process, by key. Kept on `globalThis` under a registered symbol, so that
 * two copies of `@bots/auth` in one process (its ES module and CommonJS builds, or two versions)
 * share one registry.
 */
const REGISTRY_SYMBOL = Symbol.for('@bots/auth.sharedTokenProviders');

type Registry = Map<string, Promise<CachedTokenProvider>>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_SYMBOL]?: Registry };
  let map = holder[REGISTRY_SYMBOL];
  if (!map) {
    map = new Map();
    holder[REGISTRY_SYMBOL] = map;
  }
  return map;
}

/**
 * The provider kept under `key`, created with `create` the first time (callers that ask while it
 * is being created wait for the same one). A `create` that fails is not kept: the next caller
 * tries again.
 */
export function sharedTokenProvider(
  key: string,
  create: () => Promise<CachedTokenProvider>,
): Promise<CachedTokenProvider> {
  const map = registry();
  const existing = map.get(key);
  if (existing) return existing;
  const created = create();
  map.set(key, created);
  created.catch(() => {
    if (map.get(key) === created) map.delete(key);
  });
  return created;
}

/** How many shared providers the process holds (diagnostics, tests). */
export function sharedTokenProviderCount(): number {
  return registry().size;
}

/**
 * Forgets every shared provider, so that the next `tokenProviderFromEnv` builds a new credential
 * and cache. For tests (between emulators) and for a process whose identity settings changed;
 * providers already handed out keep working, on their own.
 */
export function clearSharedTokenProviders(): void {
  registry().clear();
}
