import { describeAuthMethods, type Env, resolveAuthMethods } from './auth-method.js';
import { credentialForMethods } from './credential-for-method.js';
import { credentialPlan } from './credential-plan.js';
import type { ModuleImporter } from './load-identity.js';
import { checkFunction, checkKnownKeys, checkObject, checkString } from './option-checks.js';
import { COGNITIVE_SERVICES_SCOPE, scopeFromEnv } from './scopes.js';
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
  /**
   * The provider the token is for, e.g. `azure-openai`: a label for messages only. Which scope a
   * provider needs is `@bots/providers`' business (`resolveScope`); pass that as `scope`.
   */
  provider?: string;
  /**
   * The scope. Default: `AZURE_AUTH_SCOPE`, else the Cognitive Services scope (the Azure OpenAI
   * deployments API). Wins over both.
   */
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
 * it opts into none (`api_key` or unset): the credential the method names (or the
 * `ChainedTokenCredential` of a comma-separated chain of methods) and a scope (the
 * `scope` option, else `AZURE_AUTH_SCOPE`, else `COGNITIVE_SERVICES_SCOPE`) give a cached token
 * provider that refreshes ahead of expiry. Knows no provider: `provider` only labels messages.
 * Rejects with a `ConfigurationError` for invalid options and an unknown method, before anything
 * is loaded.
 */
export async function tokenProviderFromEnv(
  options: TokenProviderFromEnvOptions = {},
): Promise<CachedTokenProvider | undefined> {
  const checked = checkOptions(options);
  const env = checked.env ?? process.env;
  const methods = resolveAuthMethods(env);
  if (methods.length === 0) return undefined;
  // Every step's variables are checked, even with a credential of the caller's.
  for (const method of methods) credentialPlan(method, env);
  const scope = checked.scope?.trim() || scopeFromEnv(env) || COGNITIVE_SERVICES_SCOPE;
  const credential =
    checked.credential ?? (await credentialForMethods(methods, env, checked.importer));
  return tokenProviderFromCredential(credential, scope, {
    label: `${describeAuthMethods(methods)} credential${checked.provider ? ` for ${checked.provider}` : ''}`,
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
    checkString(provider, 'provider', {
      nonEmpty: true,
      hint: "It names the provider in messages, e.g. 'azure-openai'.",
    });
  }
  if (scope !== undefined) {
    checkString(scope, 'scope', {
      nonEmpty: true,
      hint: 'Pass a scope such as https://cognitiveservices.azure.com/.default, or leave it out to use AZURE_AUTH_SCOPE, else the Cognitive Services scope.',
    });
  }
  if (credential !== undefined) checkCredential(credential, 'credential');
  if (importer !== undefined) checkFunction(importer, 'importer');
  pickCacheOptions(record as TokenCacheOptions);
  return record as TokenProviderFromEnvOptions;
}
