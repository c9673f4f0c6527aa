import {
  type Env,
  resolveAuthMethod,
  resolveScope,
  type TokenAudienceProvider,
} from './auth-method.js';
import { credentialForMethod } from './credential-for-method.js';
import type { ModuleImporter } from './load-identity.js';
import { type TokenCacheOptions, tokenProviderFromCredential } from './token-cache.js';
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

/**
 * The token provider the environment opts into through `AZURE_AUTH_METHOD`, or `undefined` when
 * it opts into none (`api_key` or unset), or when Entra ID does not apply to the provider
 * (`openai`, `ollama-local`). Throws a `ConfigurationError` for an unknown method and for
 * `anthropic` with no scope. The provider is cached and refreshes ahead of expiry.
 */
export async function tokenProviderFromEnv(
  options: TokenProviderFromEnvOptions = {},
): Promise<CachedTokenProvider | undefined> {
  const env = options.env ?? process.env;
  const method = resolveAuthMethod(env);
  if (method === 'api_key') return undefined;
  const scope = resolveScope({ env, ...pick(options) });
  if (scope === undefined) return undefined;
  const credential =
    options.credential ?? (await credentialForMethod(method, env, options.importer));
  return tokenProviderFromCredential(credential, scope, {
    label: `${method} credential`,
    ...options,
  });
}

function pick(options: TokenProviderFromEnvOptions): {
  provider?: TokenAudienceProvider;
  scope?: string;
} {
  const picked: { provider?: TokenAudienceProvider; scope?: string } = {};
  if (options.provider !== undefined) picked.provider = options.provider;
  if (options.scope !== undefined) picked.scope = options.scope;
  return picked;
}
