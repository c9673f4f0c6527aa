import {
  type Env,
  resolveAuthMethod,
  resolveScope,
  TOKEN_AUDIENCE_PROVIDERS,
  type TokenAudienceProvider,
} from './auth-method.js';
import { credentialForMethod } from './credential-for-method.js';
import type { ModuleImporter } from './load-identity.js';
import {
  checkFunction,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  checkString,
} from './option-checks.js';
import {
  checkCredential,
  pickCacheOptions,
  TOKEN_CACHE_OPTION_NAMES,
  type TokenCacheOptions,
  tokenProviderFromCredential,
} from './token-cache.js';
import type { CachedTokenProvider, TokenCredential } from './token-provider.js';

/** Options of `tokenProviderFromEnv`. */
export interface TokenProviderFromEnvOptions extends TokenCacheOptions {
  /** Where to read `AZURE_AUTH_METHOD`, `AZURE_AUTH_SCOPE`, `AZURE_CLIENT_ID` (default `process.env`). */
  env?: Env;
  /** The provider the token is for: decides the default scope. */
  provider?: TokenAudienceProvider;
  /** The scope; wins over `AZURE_AUTH_SCOPE` and the provider's default. */
  scope?: string;
  /** A credential to use instead of the one the method names (tests, custom credentials). */
  credential?: TokenCredential;
  /** How to import `@azure/identity` (tests). */
  importer?: ModuleImporter;
}

const OPTION_NAMES = [
  'env',
  'provider',
  'scope',
  'credential',
  'importer',
  ...TOKEN_CACHE_OPTION_NAMES,
] as const;

const NAME = 'tokenProviderFromEnv options';

/**
 * The token provider the environment opts into through `AZURE_AUTH_METHOD`, or `undefined` when
 * it opts into none (`api_key` or unset), or when Entra ID does not apply to the provider
 * (`openai`, `ollama-local`). Rejects with a `ConfigurationError` for invalid options, an unknown
 * method and for `anthropic` with no scope, before anything is loaded. The provider is cached and
 * refreshes ahead of expiry.
 */
export async function tokenProviderFromEnv(
  options: TokenProviderFromEnvOptions = {},
): Promise<CachedTokenProvider | undefined> {
  const checked = checkOptions(options);
  const env = checked.env ?? process.env;
  const method = resolveAuthMethod(env);
  if (method === 'api_key') return undefined;
  const scope = resolveScope({
    env,
    ...(checked.provider !== undefined ? { provider: checked.provider } : {}),
    ...(checked.scope !== undefined ? { scope: checked.scope } : {}),
  });
  if (scope === undefined) return undefined;
  const credential =
    checked.credential ?? (await credentialForMethod(method, env, checked.importer));
  return tokenProviderFromCredential(credential, scope, {
    label: `${method} credential`,
    ...pickCacheOptions(checked),
  });
}

function checkOptions(options: unknown): TokenProviderFromEnvOptions {
  const record = checkObject(
    options,
    NAME,
    "Pass an object such as { provider: 'azure-openai' }, or nothing.",
  );
  checkKnownKeys(record, NAME, OPTION_NAMES);
  const { env, provider, scope, credential, importer } = record;
  if (env !== undefined) checkObject(env, 'env', 'Pass process.env or { NAME: "value" }.');
  if (provider !== undefined) {
    checkOneOf(provider, 'provider', TOKEN_AUDIENCE_PROVIDERS, 'It decides the default scope.');
  }
  if (scope !== undefined) {
    checkString(scope, 'scope', {
      nonEmpty: true,
      hint: 'Pass a scope such as https://cognitiveservices.azure.com/.default, or leave it out to use the provider default or AZURE_AUTH_SCOPE.',
    });
  }
  if (credential !== undefined) checkCredential(credential, 'credential');
  if (importer !== undefined) checkFunction(importer, 'importer');
  pickCacheOptions(record as TokenCacheOptions);
  return record as TokenProviderFromEnvOptions;
}
