import {
  registerSecret,
  resolveAuthMethod,
  type TokenProvider,
  tokenProviderFromEnv,
  toTokenProvider,
} from '@bots/auth';
import {
  type CheckedChatModelOptions,
  checkChatModelOptions,
  RESOLVE_OPTION_NAMES,
  type ResolveConnectionOptions,
} from './chat-model-options.js';
import { planConnection } from './connection-plan.js';
import { environmentVariablesOf } from './environment-variables.js';
import type { ModelConnection } from './model-connection.js';
import { ResolvedConnection } from './model-connection.js';
import { parseModel } from './model-string.js';
import type { ProviderDefinition } from './provider-definition.js';
import {
  builtInProviders,
  type ProviderRegistry,
  providerNamed,
  takesTokens,
} from './provider-registry.js';
import { resolveProviderSettings } from './provider-settings.js';
import type { ProviderSettings } from './settings-reading.js';
import { scopeForSettings, scopeNotInferred } from './token-scope.js';

export type { ResolveConnectionOptions } from './chat-model-options.js';

/**
 * Decides how a model string is reached, without connecting: the provider's settings from the
 * env, a token provider (the `tokenProvider` option, else the one `AZURE_AUTH_METHOD` opts into,
 * with the scope the provider's definition decides) or an API key, and the selection-table row.
 * Returns a {@link ResolvedConnection}: `connection` is plain data without a secret (provider,
 * endpoint, api version, wire API, auth kind, scope, which variable a key came from), the token
 * provider and key are kept beside it. Everything that would fail on the first call fails here
 * with a `ConfigurationError` that says what to set. `createChatModel(model, options)` is
 * `connect(await resolveConnection(model, options), options)`.
 *
 * @example
 * const { connection } = await resolveConnection('azure-openai/gpt-4o', { env: process.env });
 * console.log(JSON.stringify(connection)); // never a key or token
 */
export async function resolveConnection(
  model: string,
  options: ResolveConnectionOptions = {},
): Promise<ResolvedConnection> {
  return resolveCheckedConnection(
    model,
    checkChatModelOptions(options, 'resolveConnection options', RESOLVE_OPTION_NAMES),
  );
}

/** {@link resolveConnection} with options already checked (by `createChatModel`). */
export async function resolveCheckedConnection(
  model: string,
  checked: CheckedChatModelOptions,
): Promise<ResolvedConnection> {
  const { env } = checked;
  const registry = checked.providers ?? builtInProviders;
  for (const variable of environmentVariablesOf(registry)) {
    const value = env[variable.name];
    if (variable.secret && typeof value === 'string') registerSecret(value.trim());
  }
  const parsed = parseModel(model, registry);
  const definition = providerNamed(parsed.provider, registry);
  const explicit =
    checked.tokenProvider !== undefined
      ? toTokenProvider(checked.tokenProvider, 'tokenProvider')
      : undefined;
  const settings = resolveProviderSettings(parsed.provider, env, {
    providers: registry,
    ...(checked.wireApi !== undefined ? { wireApi: checked.wireApi } : {}),
    ...(checked.onWarning ? { onWarning: checked.onWarning } : {}),
  });
  const planOptions = {
    env,
    providers: registry,
    ...(checked.allowPlainHttpKey !== undefined
      ? { allowPlainHttpKey: checked.allowPlainHttpKey }
      : {}),
  };

  let tokenProvider: TokenProvider | undefined;
  let scope: string | undefined;
  let note: string | undefined;
  if (takesTokens(definition)) {
    if (explicit) tokenProvider = explicit;
    else {
      const method = resolveAuthMethod(env);
      if (method !== 'api_key') {
        scope = scopeForSettings(definition, settings, env);
        if (scope === undefined) {
          if (!settings.apiKey) throw scopeNotInferred(definition);
          note = keyInsteadNote(definition, settings, method, registry);
        } else {
          // The plan's own checks (endpoint, https) fail before @azure/identity is loaded.
          planConnection(parsed, settings, { ...planOptions, hasTokenProvider: true });
          tokenProvider = await tokenProviderFromEnv({ env, provider: definition.name, scope });
          if (!tokenProvider) scope = undefined;
        }
      }
    }
  }

  const plan = planConnection(parsed, settings, {
    ...planOptions,
    hasTokenProvider: tokenProvider !== undefined,
  });
  const connection: ModelConnection = {
    provider: parsed.provider,
    model: parsed.name,
    endpoint: plan.baseURL,
    client: plan.row.client,
    auth: plan.auth,
    ...(plan.azureApi ? { api: plan.azureApi } : {}),
    ...(plan.apiVersion ? { apiVersion: plan.apiVersion } : {}),
    ...(plan.wireApi ? { wireApi: plan.wireApi } : {}),
    ...(plan.auth === 'token' && scope !== undefined ? { scope } : {}),
    ...(plan.keyFrom ? { keyFrom: plan.keyFrom } : {}),
    ...(plan.auth === 'key' && note ? { note } : {}),
  };
  const apiKey = plan.auth === 'key' ? settings.apiKey?.value : undefined;
  return new ResolvedConnection(connection, {
    ...(plan.auth === 'token' && tokenProvider ? { tokenProvider } : {}),
    ...(apiKey ? { apiKey } : {}),
  });
}

/**
 * With `AZURE_AUTH_METHOD` set but no scope for a provider whose scope cannot be inferred
 * (`anthropic`) and a key in the env, the key is used: the method gives tokens only to the
 * providers whose scope is known (the seed: azure-openai). The note that says so.
 */
function keyInsteadNote(
  definition: ProviderDefinition,
  settings: ProviderSettings,
  method: string,
  registry: ProviderRegistry,
): string {
  const known = registry
    .filter((entry) => takesTokens(entry) && entry.scopeSuggestion === undefined)
    .map((entry) => entry.name)
    .join(', ');
  return `AZURE_AUTH_METHOD=${method} gives tokens to ${known} only (the ${definition.name} scope cannot be inferred), so ${definition.name} uses the key from ${settings.apiKey?.from}; set AZURE_AUTH_SCOPE to use a token instead.`;
}
