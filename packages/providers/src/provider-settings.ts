import { ConfigurationError, describeValue, type Env } from '@bots/auth';
import { checkApiVersion } from './api-version.js';
import { type EnvValue, type ReadEnvSettingOptions, readEnvSetting } from './env-setting.js';
import { DEFAULT_OLLAMA_PORT, ENV_NAMES } from './environment-variables.js';
import { MODEL_STRING_FORMS, type ProviderName } from './model-string.js';

export type { EnvValue } from './env-setting.js';

/** The two API shapes of Azure OpenAI. */
export type AzureOpenAIApi = 'deployments' | 'v1';

/** The OpenAI wire APIs: `/chat/completions` or `/responses`. */
export const WIRE_APIS = ['completions', 'responses'] as const;

/** An OpenAI wire API. */
export type WireApi = (typeof WIRE_APIS)[number];

/** What the environment says about one provider. Pure data; nothing is validated against the network. */
export interface ProviderSettings {
  provider: ProviderName;
  /** The endpoint as configured (trimmed). */
  endpoint?: EnvValue;
  /** For azure-openai: `v1` when the endpoint ends in `/openai/v1`, else `deployments`. */
  azureApi?: AzureOpenAIApi;
  /** The `api-version` (azure-openai, dated API). */
  apiVersion?: EnvValue;
  /** The API key (a secret). */
  apiKey?: EnvValue;
  /** The default deployment or model name (`*_DEPLOYMENT_NAME`, `LOCAL_MODEL_NAME`). */
  defaultName?: EnvValue;
  /** The Ollama port (`LOCAL_MODEL_PORT`, default 11434). */
  port?: number;
  /** The wire API for OpenAI-shaped providers. */
  wireApi?: WireApi;
  /** `BOTS_ALLOW_PLAIN_HTTP_KEY=true`: a key may go over plain http off loopback. */
  allowPlainHttpKey?: boolean;
}

/** Options of {@link resolveProviderSettings}. */
export interface ResolveSettingsOptions extends ReadEnvSettingOptions {
  /** The `wireApi` option, which wins over `OPEN_AI_WIRE_API`. */
  wireApi?: string;
}

/** True when an Azure OpenAI endpoint is the versionless v1 API (its path ends in `/openai/v1`). */
export function isAzureV1Endpoint(endpoint: string): boolean {
  return /\/openai\/v1\/*$/i.test(stripQuery(endpoint));
}

/**
 * Reads one provider's settings from `env`. Pure: the same env gives the same result. Throws a
 * `ConfigurationError` for values that cannot be right (an endpoint that is not an http(s) URL,
 * a port that is not a number, an unknown wire API).
 */
export function resolveProviderSettings(
  provider: ProviderName,
  env: Env,
  options: ResolveSettingsOptions = {},
): ProviderSettings {
  const read = (names: readonly string[]) => readEnvSetting(env, names, options);
  const allowPlainHttpKey = resolveFlag(read(ENV_NAMES.allowPlainHttpKey));
  switch (provider) {
    case 'azure-openai': {
      const names = ENV_NAMES.azureOpenAI;
      const endpoint = read(names.endpoint);
      if (endpoint) assertHttpUrl(endpoint);
      const azureApi = endpoint
        ? isAzureV1Endpoint(endpoint.value)
          ? 'v1'
          : 'deployments'
        : undefined;
      const apiVersion = read(names.apiVersion);
      if (apiVersion) checkApiVersion(apiVersion, azureApi ?? 'deployments');
      return withoutUndefined({
        provider,
        endpoint,
        azureApi,
        apiVersion,
        apiKey: read(names.apiKey),
        defaultName: read(names.deploymentName),
        wireApi: resolveWireApi(env, options.wireApi),
        allowPlainHttpKey,
      });
    }
    case 'anthropic': {
      const names = ENV_NAMES.anthropic;
      const endpoint = read(names.endpoint);
      if (endpoint) assertHttpUrl(endpoint);
      return withoutUndefined({
        provider,
        endpoint,
        apiKey: read(names.apiKey),
        defaultName: read(names.deploymentName),
        allowPlainHttpKey,
      });
    }
    case 'openai': {
      const names = ENV_NAMES.openai;
      const endpoint = read(names.endpoint);
      if (endpoint) assertHttpUrl(endpoint);
      return withoutUndefined({
        provider,
        endpoint,
        apiKey: read(names.apiKey),
        wireApi: resolveWireApi(env, options.wireApi),
        allowPlainHttpKey,
      });
    }
    case 'ollama-local': {
      const names = ENV_NAMES.ollamaLocal;
      return withoutUndefined({
        provider,
        defaultName: read(names.modelName),
        port: resolvePort(read(names.port)),
      });
    }
  }
}

/** `true`/`1`/`yes` or `false`/`0`/`no` (any case); anything else is an error, never a default. */
function resolveFlag(setting: EnvValue | undefined): boolean | undefined {
  if (!setting) return undefined;
  const value = setting.value.toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigurationError(
    `${setting.from} must be true or false, but got ${describeValue(setting.value)}. Set it to true to allow it, or unset it.`,
  );
}

/** The wire API: the option, else `OPEN_AI_WIRE_API`, else `completions`. */
export function resolveWireApi(env: Env, option?: string): WireApi {
  const fromEnv = readEnvSetting(env, ENV_NAMES.wireApi);
  const [raw, from] =
    option !== undefined
      ? [option, 'The wireApi option']
      : fromEnv
        ? [fromEnv.value, fromEnv.from]
        : [];
  if (raw === undefined) return 'completions';
  const value = raw.trim().toLowerCase();
  if ((WIRE_APIS as readonly string[]).includes(value)) return value as WireApi;
  throw new ConfigurationError(
    `${from} is ${describeValue(raw)}, which is not a wire API. Use one of: ${WIRE_APIS.join(', ')}.`,
  );
}

/**
 * A model string for `provider` from the environment: `azure-openai/$OPEN_AI_DEPLOYMENT_NAME`
 * (or `AZURE_OPENAI_DEPLOYMENT_NAME`), `anthropic/$ANTHROPIC_DEPLOYMENT_NAME`,
 * `ollama-local/$LOCAL_MODEL_NAME`. For CLIs that accept a bare provider. `openai` has no such
 * variable. Throws a `ConfigurationError` that names the variable to set.
 */
export function modelStringFromEnv(
  provider: ProviderName,
  env: Env = process.env,
  options: ReadEnvSettingOptions = {},
): string {
  const names =
    provider === 'azure-openai'
      ? ENV_NAMES.azureOpenAI.deploymentName
      : provider === 'anthropic'
        ? ENV_NAMES.anthropic.deploymentName
        : provider === 'ollama-local'
          ? ENV_NAMES.ollamaLocal.modelName
          : [];
  const found = readEnvSetting(env, names, options);
  if (found) {
    if (found.value.includes('/')) {
      throw new ConfigurationError(
        `${found.from} must be a bare name without "/" (the provider comes from the model string).`,
      );
    }
    return `${provider}/${found.value}`;
  }
  const hint = names.length > 0 ? `Set ${names.join(' or ')}, or pass` : 'Pass';
  throw new ConfigurationError(
    `No ${provider} model name configured. ${hint} a full model string: ${MODEL_STRING_FORMS[provider]}.`,
  );
}

function resolvePort(setting: EnvValue | undefined): number {
  if (!setting) return DEFAULT_OLLAMA_PORT;
  const port = Number(setting.value);
  if (!/^\d+$/.test(setting.value) || port < 1 || port > 65_535) {
    throw new ConfigurationError(
      `${setting.from} is ${describeValue(setting.value)}, which is not a port. Set it to a number from 1 to 65535 (Ollama's default is ${DEFAULT_OLLAMA_PORT}).`,
    );
  }
  return port;
}

function assertHttpUrl(setting: EnvValue): void {
  let url: URL | undefined;
  try {
    url = new URL(setting.value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigurationError(
      `${setting.from} is not an http(s) URL. Set it to the endpoint's URL, e.g. https://my-resource.openai.azure.com.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `${setting.from} holds a user name or password in the URL. Remove it (https://host/...): keys go in their own variable, such as ${ENV_NAMES.azureOpenAI.apiKey[0]}.`,
    );
  }
}

function stripQuery(url: string): string {
  const index = url.search(/[?#]/);
  return index === -1 ? url : url.slice(0, index);
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
