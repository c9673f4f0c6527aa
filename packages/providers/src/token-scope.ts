import {
  type CachedTokenProvider,
  COGNITIVE_SERVICES_SCOPE,
  ConfigurationError,
  checkObject,
  checkOneOf,
  type Env,
  resolveAuthMethod,
  SCOPE_VARIABLE,
  scopeFromEnv,
  type TokenProviderFromEnvOptions,
  tokenProviderFromEnv,
} from '@bots/auth';
import { readEnvSetting } from './env-setting.js';
import type { ProviderDefinition } from './provider-definition.js';
import {
  builtInProviders,
  findProvider,
  type ProviderRegistry,
  takesTokens,
} from './provider-registry.js';
import type { ProviderSettings } from './settings-reading.js';

/** Options of {@link resolveScope}. */
export interface ResolveScopeOptions {
  /** Where `AZURE_AUTH_SCOPE` and the provider's settings are read from. */
  env: Env;
  /** The provider the token is for; none named: the Cognitive Services scope. */
  provider?: string;
  /** The scope; wins over `AZURE_AUTH_SCOPE` and the provider's own. */
  scope?: string;
  /** The providers to look `provider` up in (default: the built-in ones). */
  providers?: ProviderRegistry;
}

/**
 * The `ConfigurationError` for a provider whose scope cannot be inferred and was not given: says
 * to set `AZURE_AUTH_SCOPE` (with the scope the provider suggests) or to pass a token provider.
 */
export function scopeNotInferred(definition: ProviderDefinition): ConfigurationError {
  const suggestion = definition.scopeSuggestion;
  const set = suggestion
    ? `${SCOPE_VARIABLE}=${suggestion.scope} (${suggestion.where})`
    : `${SCOPE_VARIABLE} to the scope its tokens need`;
  return new ConfigurationError(
    `AZURE_AUTH_METHOD is set but the token scope for ${definition.name} cannot be inferred. Set ${set}, or pass tokenProvider.`,
  );
}

/** The scope a provider's tokens need with these settings: the given one, `AZURE_AUTH_SCOPE`, else the provider's own. */
export function scopeForSettings(
  definition: ProviderDefinition,
  settings: ProviderSettings,
  env: Env,
  scope?: string,
): string | undefined {
  return scope?.trim() || scopeFromEnv(env) || definition.tokenScope?.(settings);
}

/**
 * Decides the token scope for a provider: the explicit `scope`, else `AZURE_AUTH_SCOPE`, else the
 * provider definition's scope for the env's settings (azure-openai: Cognitive Services, or Foundry
 * for an endpoint ending in `/openai/v1`); with no provider named, the Cognitive Services scope.
 * `undefined` for a provider that never takes an Entra ID token (`openai`, `ollama-local`). Where
 * the scope cannot be inferred (`anthropic`), a `ConfigurationError` says what to set.
 */
export function resolveScope(options: ResolveScopeOptions): string | undefined {
  const { env } = options;
  if (options.provider === undefined) {
    return options.scope?.trim() || scopeFromEnv(env) || COGNITIVE_SERVICES_SCOPE;
  }
  const registry = options.providers ?? builtInProviders;
  const definition = findProvider(options.provider, registry);
  if (!definition) checkOneOf(options.provider, 'provider', names(registry), SCOPE_HINT);
  if (!definition || !takesTokens(definition)) return undefined;
  const settings = definition.readSettings({
    env,
    read: (variables) => readEnvSetting(env, variables),
  });
  const scope = scopeForSettings(definition, settings, env, options.scope);
  if (scope === undefined) throw scopeNotInferred(definition);
  return scope;
}

/**
 * The scope to pass to `tokenProviderFromEnv` beyond its own default (`AZURE_AUTH_SCOPE`, else the
 * Cognitive Services scope): `AZURE_AUTH_SCOPE` if set, else the provider's scope when it is not
 * that default (the Foundry scope for the Azure OpenAI v1 API). `undefined` when the default
 * applies or the scope cannot be inferred. Prefer {@link resolveScope}, which says which.
 */
export function tokenScopeFor(
  settings: ProviderSettings,
  env: Env,
  providers: ProviderRegistry = builtInProviders,
): string | undefined {
  const override = scopeFromEnv(env);
  if (override) return override;
  const definition = findProvider(settings.provider, providers);
  const scope =
    definition && takesTokens(definition) ? definition.tokenScope?.(settings) : undefined;
  return scope === COGNITIVE_SERVICES_SCOPE ? undefined : scope;
}

/** Options of {@link tokenProviderForProvider}: those of `tokenProviderFromEnv`, with the provider required. */
export interface TokenProviderForProviderOptions
  extends Omit<TokenProviderFromEnvOptions, 'provider'> {
  /** The provider the token is for: its definition decides the scope. */
  provider: string;
  /** The providers to look `provider` up in (default: the built-in ones). */
  providers?: ProviderRegistry;
}

const SCOPE_HINT = 'It decides the default scope.';

function names(registry: ProviderRegistry): string[] {
  return registry.map((definition) => definition.name);
}

/**
 * `@bots/auth`'s `tokenProviderFromEnv` for one provider, with the scope its definition decides
 * ({@link resolveScope}): `undefined` when the env opts into no token (`AZURE_AUTH_METHOD` unset
 * or `api_key`) or the provider never takes one (`openai`, `ollama-local`). Rejects with a
 * `ConfigurationError` for an unknown provider, and for a provider whose scope cannot be inferred
 * and was not given (`anthropic` without `AZURE_AUTH_SCOPE`), before anything is loaded.
 */
export async function tokenProviderForProvider(
  options: TokenProviderForProviderOptions,
): Promise<CachedTokenProvider | undefined> {
  checkObject(
    options,
    'tokenProviderForProvider options',
    "Pass an object such as { provider: 'azure-openai' }.",
  );
  const { provider, providers, scope: given, ...rest } = options;
  const registry = providers ?? builtInProviders;
  checkOneOf(provider, 'provider', names(registry), SCOPE_HINT);
  const env = rest.env ?? process.env;
  const definition = findProvider(provider, registry);
  if (!definition || !takesTokens(definition)) return undefined;
  // An unknown AZURE_AUTH_METHOD is the error, not the scope; api_key opts into no token.
  if (resolveAuthMethod(env) === 'api_key') return undefined;
  const scope = resolveScope({
    env,
    provider,
    providers: registry,
    ...(given !== undefined ? { scope: given } : {}),
  });
  return tokenProviderFromEnv({
    ...rest,
    env,
    provider,
    ...(scope !== undefined ? { scope } : {}),
  });
}
