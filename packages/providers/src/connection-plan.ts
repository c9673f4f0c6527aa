import {
  AI_FOUNDRY_SCOPE,
  assertBearerTransport,
  assertSecretTransport,
  ConfigurationError,
  type Env,
} from '@bots/auth';
import { nearMissHint } from './env-setting.js';
import { ENV_NAMES } from './environment-variables.js';
import { MissingCredentialsError } from './errors.js';
import type { ParsedModel } from './model-string.js';
import type { AzureOpenAIApi, EnvValue, ProviderSettings, WireApi } from './provider-settings.js';
import { type SelectionRow, selectRow } from './selection-table.js';

/** How a model is reached: everything `createChatModel` needs except the secrets' values. */
export interface ConnectionPlan {
  /** The selection-table row that applies. */
  row: SelectionRow;
  /**
   * Where requests go: the resource endpoint for the dated Azure OpenAI API (the SDK adds
   * `/openai`), else the base URL the client appends paths to.
   */
  baseURL: string;
  /** `token`: bearer token from the token provider; `key`: API key; `none`: no auth. */
  auth: 'token' | 'key' | 'none';
  /** The variable the key came from (when `auth` is `key`). */
  keyFrom?: string;
  /** For azure-openai: the endpoint's API. */
  azureApi?: AzureOpenAIApi;
  /** The `api-version` (dated Azure OpenAI API). */
  apiVersion?: string;
  /** The wire API (OpenAI-shaped providers). */
  wireApi?: WireApi;
}

/** Options of {@link planConnection}. */
export interface PlanConnectionOptions {
  /** A token provider is in effect (explicit, or from `AZURE_AUTH_METHOD`). */
  hasTokenProvider: boolean;
  /** The env, to name likely typos of a missing variable in the error (optional). */
  env?: Env;
  /** An API key may go over plain http off loopback (`allowPlainHttpKey`). */
  allowPlainHttpKey?: boolean;
}

/**
 * The scope to ask `tokenProviderFromEnv` for, when `createChatModel` should pick it:
 * `AZURE_AUTH_SCOPE` if set, else the Foundry scope for the Azure OpenAI v1 API. `undefined`
 * leaves the choice to `@bots/auth` (Cognitive Services for the dated API; an error for anthropic).
 */
export function tokenScopeFor(settings: ProviderSettings, env: Env): string | undefined {
  const override = typeof env.AZURE_AUTH_SCOPE === 'string' ? env.AZURE_AUTH_SCOPE.trim() : '';
  if (override) return override;
  if (settings.provider === 'azure-openai' && settings.azureApi === 'v1') return AI_FOUNDRY_SCOPE;
  return undefined;
}

/**
 * Decides the client for a parsed model string, its settings and whether a token provider is in
 * effect. Pure. Throws a `ConfigurationError` for everything that would fail on the first call:
 * a missing endpoint, a missing API version, no credentials (`MissingCredentialsError`), a bearer
 * token or an API key to plain http off loopback.
 */
export function planConnection(
  model: ParsedModel,
  settings: ProviderSettings,
  options: PlanConnectionOptions,
): ConnectionPlan {
  const env = options.env ?? {};
  const plan = planFor(model, settings, options, env);
  if (plan.auth === 'key' && !(options.allowPlainHttpKey ?? settings.allowPlainHttpKey)) {
    assertSecretTransport(plan.baseURL, {
      label: settings.endpoint?.from ?? 'endpoint',
      secret: `the API key from ${plan.keyFrom}`,
      kind: 'keys',
      hint: `Anyone on the network path could read it. Use the https URL of the endpoint; behind a TLS-terminating proxy on a private network, pass allowPlainHttpKey: true (or set ${ENV_NAMES.allowPlainHttpKey[0]}=true).`,
    });
  }
  return plan;
}

function planFor(
  model: ParsedModel,
  settings: ProviderSettings,
  options: PlanConnectionOptions,
  env: Env,
): ConnectionPlan {
  const row = selectRow({
    provider: model.provider,
    hasTokenProvider: options.hasTokenProvider,
    ...(settings.azureApi ? { api: settings.azureApi } : {}),
  });
  const auth = row.tokenProvider === 'yes' ? 'token' : row.tokenProvider === 'no' ? 'key' : 'none';
  if (model.provider === 'azure-openai' && !settings.endpoint) {
    throw new ConfigurationError(
      `No endpoint for azure-openai. Set ${orList(ENV_NAMES.azureOpenAI.endpoint)} to https://<resource>.openai.azure.com (dated deployments API) or https://<resource>.openai.azure.com/openai/v1 (versionless v1 API).${nearMissHint(env, ENV_NAMES.azureOpenAI.endpoint)}`,
    );
  }
  if (auth === 'key' && !settings.apiKey) throw noCredentials(model.provider, env);
  const base = {
    row,
    auth,
    ...(auth === 'key' ? { keyFrom: settings.apiKey?.from } : {}),
  } as const;

  switch (model.provider) {
    case 'azure-openai': {
      const endpoint = settings.endpoint!;
      if (settings.azureApi === 'v1') {
        const baseURL = trimSlashes(endpoint.value);
        if (auth === 'token') assertBearerTransport(baseURL, endpoint.from);
        return withWire({ ...base, baseURL, azureApi: 'v1' }, settings);
      }
      const baseURL = trimSlashes(endpoint.value).replace(/\/openai$/i, '');
      if (!settings.apiVersion) {
        throw new ConfigurationError(
          `No API version for the Azure OpenAI deployments API. Set ${orList(ENV_NAMES.azureOpenAI.apiVersion)} (e.g. 2024-10-21), or use an endpoint that ends in /openai/v1 (the versionless v1 API) in ${endpoint.from}.${nearMissHint(env, ENV_NAMES.azureOpenAI.apiVersion)}`,
        );
      }
      if (auth === 'token') assertBearerTransport(baseURL, endpoint.from);
      return withWire(
        { ...base, baseURL, azureApi: 'deployments', apiVersion: settings.apiVersion.value },
        settings,
      );
    }
    case 'anthropic': {
      const endpoint = settings.endpoint;
      if (auth === 'token') {
        if (!endpoint) {
          throw new ConfigurationError(
            `No endpoint for anthropic with a token provider. Set ${ENV_NAMES.anthropic.endpoint[0]} to your Azure AI Foundry endpoint, e.g. https://<resource>.services.ai.azure.com/anthropic (or use ${ENV_NAMES.anthropic.apiKey[0]} without a token provider).${nearMissHint(env, ENV_NAMES.anthropic.endpoint)}`,
          );
        }
        const baseURL = anthropicBase(endpoint);
        assertBearerTransport(baseURL, endpoint.from);
        return { ...base, baseURL };
      }
      return { ...base, baseURL: endpoint ? anthropicBase(endpoint) : 'https://api.anthropic.com' };
    }
    case 'openai':
      return withWire(
        {
          ...base,
          baseURL: settings.endpoint
            ? trimSlashes(settings.endpoint.value)
            : 'https://api.openai.com/v1',
        },
        settings,
      );
    case 'ollama-local':
      return { ...base, baseURL: `http://localhost:${settings.port}` };
  }
}

function withWire(plan: ConnectionPlan, settings: ProviderSettings): ConnectionPlan {
  return { ...plan, wireApi: settings.wireApi ?? 'completions' };
}

function noCredentials(provider: ParsedModel['provider'], env: Env): MissingCredentialsError {
  switch (provider) {
    case 'azure-openai': {
      const names = ENV_NAMES.azureOpenAI.apiKey;
      return new MissingCredentialsError(
        provider,
        names,
        `No credentials for azure-openai. Set ${orList(names)}, or set AZURE_AUTH_METHOD=azure_ad (or another Entra ID method) to use a token, or pass tokenProvider.${nearMissHint(env, names)}`,
      );
    }
    case 'anthropic': {
      const names = ENV_NAMES.anthropic.apiKey;
      return new MissingCredentialsError(
        provider,
        names,
        `No credentials for anthropic. Set ${orList(names)}, or set AZURE_AUTH_METHOD=azure_ad with AZURE_AUTH_SCOPE=https://ai.azure.com/.default (Anthropic on Azure AI Foundry), or pass tokenProvider.${nearMissHint(env, names)}`,
      );
    }
    default: {
      const names = ENV_NAMES.openai.apiKey;
      return new MissingCredentialsError(
        provider,
        names,
        `No credentials for openai. Set ${orList(names)}. (openai/<model> uses API keys only; for keyless Entra ID auth use azure-openai/<deployment> with AZURE_AUTH_METHOD=azure_ad or pass tokenProvider.)${nearMissHint(env, names)}`,
      );
    }
  }
}

function anthropicBase(endpoint: EnvValue): string {
  return trimSlashes(endpoint.value).replace(/\/v1(?:\/messages)?$/i, '');
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

function orList(names: readonly string[]): string {
  const [first, ...rest] = names;
  return rest.length ? `${first} (or ${rest.join(', or ')})` : String(first);
}
