import { describeAuthMethods, type Env, resolveAuthMethods } from './auth-method.js';
import { credentialForMethods } from './credential-for-method.js';
import { credentialPlan } from './credential-plan.js';
import { ConfigurationError } from './errors.js';
import type { ModuleImporter } from './load-identity.js';
import {
  checkBoolean,
  checkFunction,
  checkKnownKeys,
  checkObject,
  checkString,
} from './option-checks.js';
import { COGNITIVE_SERVICES_SCOPE, scopeFromEnv } from './scopes.js';
import { sharedTokenProvider, sharedTokenProviderKey } from './shared-token-providers.js';
import {
  checkCredential,
  pickCacheOptions,
  TOKEN_CACHE_OPTION_NAMES,
  type TokenCacheOptions,
  tokenCacheForCredential,
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
  /**
   * Share one provider with every other caller in the process that resolves the same credential
   * and scope (default `true`): the same method or chain, the same identifying settings (tenant,
   * client id, authority host, managed-identity endpoint and id, federated token file, the CLI on
   * `PATH`, a hash of the secret) and the same scope get the same provider object, one cache and
   * one identity call however many bots ask. Its `invalidate()` then applies to all of them: a
   * token the server rejected is rejected for everyone. `false` builds a credential and a cache of
   * this caller's own. A `credential`, `importer` or `now` of yours is never shared (it cannot be
   * told apart from another): with one of them, `shared` must not be `true`.
   */
  shared?: boolean;
}

const OPTION_NAMES = [
  'env',
  'provider',
  'scope',
  'credential',
  'importer',
  'shared',
  ...TOKEN_CACHE_OPTION_NAMES,
] as const;

const NAME = 'tokenProviderFromEnv options';

/**
 * The token provider the environment opts into through `AZURE_AUTH_METHOD`, or `undefined` when
 * it opts into none (`api_key` or unset): the credential the method names (or the
 * `ChainedTokenCredential` of a comma-separated chain of methods) and a scope (the
 * `scope` option, else `AZURE_AUTH_SCOPE`, else `COGNITIVE_SERVICES_SCOPE`) give a cached token
 * provider that refreshes ahead of expiry. Callers that resolve the same credential and scope share
 * that provider (one per process, see `shared`). Knows no provider: `provider` only labels messages.
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
  const method = describeAuthMethods(methods);
  const cacheOptions = pickCacheOptions(checked);
  const ownOnly =
    checked.credential !== undefined ||
    checked.importer !== undefined ||
    cacheOptions.now !== undefined;
  if (checked.shared === false || ownOnly) {
    const credential =
      checked.credential ?? (await credentialForMethods(methods, env, checked.importer));
    return tokenCacheForCredential(
      credential,
      scope,
      {
        label: `${method} credential${checked.provider ? ` for ${checked.provider}` : ''}`,
        ...cacheOptions,
      },
      method,
    );
  }
  // The label is the shared provider's: it names no provider, as several may use it.
  const { label, refreshWindowMs, expiryMarginMs } = cacheOptions;
  const key = sharedTokenProviderKey(methods, env, scope, {
    cacheOptions: { label, refreshWindowMs, expiryMarginMs },
  });
  return sharedTokenProvider(key, async () =>
    tokenCacheForCredential(
      await credentialForMethods(methods, env),
      scope,
      { label: `${method} credential`, ...cacheOptions },
      method,
    ),
  );
}

function checkOptions(options: unknown): TokenProviderFromEnvOptions {
  const record = checkObject(
    options,
    NAME,
    "Pass an object such as { provider: 'azure-openai' }, or nothing.",
  );
  checkKnownKeys(record, NAME, OPTION_NAMES);
  const { env, provider, scope, credential, importer, shared, now } = record;
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
  if (shared !== undefined) {
    checkBoolean(
      shared,
      'shared',
      'It shares one provider per credential and scope in the process (the default); false gives this caller its own.',
    );
  }
  if (shared === true) {
    const own =
      credential !== undefined
        ? 'credential'
        : importer !== undefined
          ? 'importer'
          : now !== undefined
            ? 'now'
            : undefined;
    if (own) {
      throw new ConfigurationError(
        `shared is true, but a ${own} of yours is never shared with other callers (it cannot be told apart from another). Leave shared out (or false) with ${own}, or leave ${own} out to share the provider the environment names.`,
      );
    }
  }
  pickCacheOptions(record as TokenCacheOptions);
  return record as TokenProviderFromEnvOptions;
}
