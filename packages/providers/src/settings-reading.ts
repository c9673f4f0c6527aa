import { ConfigurationError, describeValue, type Env, readVariable } from '@bots/auth';
import type { EnvValue } from './env-setting.js';

/** The two API shapes of Azure OpenAI. */
export type AzureOpenAIApi = 'deployments' | 'v1';

/** The OpenAI wire APIs: `/chat/completions` or `/responses`. */
export const WIRE_APIS = ['completions', 'responses'] as const;

/** An OpenAI wire API. */
export type WireApi = (typeof WIRE_APIS)[number];

/** The variables of the wire API, for every OpenAI-shaped provider. */
export const WIRE_API_VARIABLES = ['OPEN_AI_WIRE_API'] as const;

/** The variables that let a key go over plain http off loopback, for every provider with a key. */
export const ALLOW_PLAIN_HTTP_KEY_VARIABLES = ['BOTS_ALLOW_PLAIN_HTTP_KEY'] as const;

/** What the environment says about one provider. Pure data; nothing is validated against the network. */
export interface ProviderSettings {
  /** The provider's name, e.g. `azure-openai`. */
  provider: string;
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

/** True when an Azure OpenAI endpoint is the versionless v1 API (its path ends in `/openai/v1`). */
export function isAzureV1Endpoint(endpoint: string): boolean {
  return /\/openai\/v1\/*$/i.test(stripQuery(endpoint));
}

/** `true`/`1`/`yes` or `false`/`0`/`no` (any case); anything else is an error, never a default. */
export function resolveFlag(setting: EnvValue | undefined): boolean | undefined {
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
  const name = WIRE_API_VARIABLES[0];
  const fromEnv = readVariable(env, name);
  const [raw, from] =
    option !== undefined
      ? [option, 'The wireApi option']
      : fromEnv !== undefined
        ? [fromEnv, name]
        : [];
  if (raw === undefined) return 'completions';
  const value = raw.trim().toLowerCase();
  if ((WIRE_APIS as readonly string[]).includes(value)) return value as WireApi;
  throw new ConfigurationError(
    `${from} is ${describeValue(raw)}, which is not a wire API. Use one of: ${WIRE_APIS.join(', ')}.`,
  );
}

/** A port from 1 to 65535, else `fallback` when unset; anything else is a `ConfigurationError`. */
export function resolvePort(setting: EnvValue | undefined, fallback: number, what: string): number {
  if (!setting) return fallback;
  const port = Number(setting.value);
  if (!/^\d+$/.test(setting.value) || port < 1 || port > 65_535) {
    throw new ConfigurationError(
      `${setting.from} is ${describeValue(setting.value)}, which is not a port. Set it to a number from 1 to 65535 (${what}'s default is ${fallback}).`,
    );
  }
  return port;
}

/** Throws a `ConfigurationError` unless the setting is an http(s) URL without credentials in it. */
export function assertHttpUrl(setting: EnvValue, keyVariable: string): void {
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
      `${setting.from} holds a user name or password in the URL. Remove it (https://host/...): keys go in their own variable, such as ${keyVariable}.`,
    );
  }
}

/** The URL without trailing slashes. */
export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `A (or B, or C)`: variable names in precedence order, for messages. */
export function orList(names: readonly string[]): string {
  const [first, ...rest] = names;
  return rest.length ? `${first} (or ${rest.join(', or ')})` : String(first);
}

/** The object without its `undefined` properties (settings compare with `toEqual`). */
export function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function stripQuery(url: string): string {
  const index = url.search(/[?#]/);
  return index === -1 ? url : url.slice(0, index);
}
