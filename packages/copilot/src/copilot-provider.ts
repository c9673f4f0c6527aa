import {
  ConfigurationError,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  type Env,
  registerSecret,
  type TokenProvider,
  type TokenProviderLike,
} from '@bots/auth';
import {
  type ModelConnection,
  type ProviderRegistry,
  type ResolvedConnection,
  resolveConnection,
  type WarningListener,
  type WireApi,
} from '@bots/providers';
import type { CopilotProviderConfig } from './copilot-provider-config.js';
import { rememberKeylessSource } from './keyless-source.js';
import { recordTokenOrigin } from './token-origins.js';

/** How the provider config hands the Copilot runtime its bearer token. */
export const TOKEN_DELIVERIES = ['callback', 'static'] as const;

/** `callback`: `bearerTokenProvider`, asked before every request. `static`: one `bearerToken`. */
export type TokenDelivery = (typeof TOKEN_DELIVERIES)[number];

/** Options of {@link copilotProvider}. */
export interface CopilotProviderOptions {
  /** Where settings are read (`AZURE_OPENAI_ENDPOINT`, `AZURE_AUTH_METHOD`, …). Default `process.env`. */
  env?: Env;
  /**
   * The token provider; default: the one `AZURE_AUTH_METHOD` opts into, with the provider's scope
   * (`https://ai.azure.com/.default` for the v1 API). A cached one (`invalidate()`, as every
   * `@bots/auth` provider has) lets a 401 force a fresh token.
   */
  tokenProvider?: TokenProviderLike;
  /** `completions` or `responses`; wins over `OPEN_AI_WIRE_API`. */
  wireApi?: WireApi;
  /**
   * `callback` (default): `bearerTokenProvider`, which the runtime calls before every model
   * request, so a session outlives any one token. `static`: a `bearerToken` fetched now, for SDK
   * versions or settings without the callback; make one config per session and let
   * `createKeylessSession` resume the session with a fresh token after a 401.
   */
  tokenDelivery?: TokenDelivery;
  /** Told about settings that disagree (see `resolveConnection`). */
  onWarning?: WarningListener;
  /** Allow an API key over plain http to a non-loopback host (see `resolveConnection`). */
  allowPlainHttpKey?: boolean;
  /** The provider registry (default: the built-in providers). */
  providers?: ProviderRegistry;
}

const OPTION_NAMES = [
  'env',
  'tokenProvider',
  'wireApi',
  'tokenDelivery',
  'onWarning',
  'allowPlainHttpKey',
  'providers',
] as const;

/** The Copilot SDK cannot reach this provider: the message names what to use instead. */
export class UnsupportedCopilotProviderError extends ConfigurationError {}

/**
 * The Copilot SDK's BYOK `ProviderConfig` for a model string, from the same connection
 * `@bots/providers` resolves (`resolveConnection`): keyless where the env opts into Entra ID.
 *
 * - `azure-openai` on the v1 API (`…/openai/v1`): `type: 'openai'`, `baseUrl: '<resource>/openai/v1/'`.
 * - `azure-openai` on the dated API: `type: 'azure'`, the host only, `azure.apiVersion`.
 * - `openai`: `type: 'openai'` with its key; `anthropic`: `type: 'anthropic'`; `ollama-local`:
 *   `type: 'openai'` at `http://localhost:<port>/v1/`, no auth.
 *
 * With a token provider, `bearerTokenProvider` answers from the `@bots/auth` cache (one identity
 * call per token lifetime however many requests; `invalidate()` after a 401 makes the next call
 * fetch anew: `createKeylessSession` does that from the session's events). Where a key is
 * configured instead, `apiKey`. The deployment goes on the wire as `wireModel`.
 *
 * Bad options and settings fail here with a `ConfigurationError` that says what to set.
 *
 * @example
 * const provider = await copilotProvider('azure-openai/gpt-4.1', { env: process.env });
 * const session = await client.createSession({ model: 'gpt-4.1', provider, onPermissionRequest: approveAll });
 */
export async function copilotProvider(
  model: string,
  options: CopilotProviderOptions = {},
): Promise<CopilotProviderConfig> {
  checkObject(options, 'copilotProvider options', 'Pass an object, or nothing.');
  checkKnownKeys(options as Record<string, unknown>, 'copilotProvider options', OPTION_NAMES);
  const delivery =
    options.tokenDelivery === undefined
      ? 'callback'
      : checkOneOf(options.tokenDelivery, 'tokenDelivery', TOKEN_DELIVERIES);
  const { tokenDelivery: _delivery, ...resolveOptions } = options;
  const resolved = await resolveConnection(model, {
    env: process.env,
    ...withoutUndefined(resolveOptions),
  });
  return providerConfigFromResolved(resolved, delivery);
}

/** {@link copilotProvider} for a connection already resolved. */
export async function providerConfigFromResolved(
  resolved: ResolvedConnection,
  delivery: TokenDelivery = 'callback',
): Promise<CopilotProviderConfig> {
  const { connection, tokenProvider } = resolved;
  const base = providerShape(connection);
  if (connection.auth === 'token') {
    if (!tokenProvider) {
      throw new ConfigurationError(
        `The ${connection.provider} connection uses a token but has no token provider. Pass tokenProvider, or set AZURE_AUTH_METHOD=azure_ad.`,
      );
    }
    const config = await withToken(base, tokenProvider, delivery);
    rememberKeylessSource(config, {
      connection,
      tokenProvider,
      delivery,
      refresh: () => withToken(base, tokenProvider, delivery),
    });
    return config;
  }
  if (connection.auth === 'key') {
    const apiKey = resolved.apiKey();
    if (apiKey === undefined) {
      throw new ConfigurationError(
        `The ${connection.provider} connection uses a key but has none. Set ${connection.keyFrom ?? 'the key variable'}.`,
      );
    }
    return { ...base, apiKey };
  }
  return base;
}

async function withToken(
  base: CopilotProviderConfig,
  tokenProvider: TokenProvider,
  delivery: TokenDelivery,
): Promise<CopilotProviderConfig> {
  const handOut = async () => {
    const token = await tokenProvider();
    registerSecret(token);
    recordTokenOrigin(token, tokenProvider);
    return token;
  };
  if (delivery === 'static') return { ...base, bearerToken: await handOut() };
  return { ...base, bearerTokenProvider: () => handOut() };
}

/**
 * The provider config for a connection, without its credential: the pure mapping from
 * `@bots/providers`' connection to the SDK's provider types.
 */
export function providerShape(connection: ModelConnection): CopilotProviderConfig {
  const wireModel = connection.model;
  switch (connection.provider) {
    case 'azure-openai': {
      if (connection.api === 'v1') {
        return {
          type: 'openai',
          baseUrl: withTrailingSlash(connection.endpoint),
          wireApi: connection.wireApi ?? 'completions',
          wireModel,
        };
      }
      return {
        type: 'azure',
        baseUrl: new URL(connection.endpoint).origin,
        wireApi: connection.wireApi ?? 'completions',
        wireModel,
        ...(connection.apiVersion !== undefined
          ? { azure: { apiVersion: connection.apiVersion } }
          : {}),
      };
    }
    case 'openai':
      return {
        type: 'openai',
        baseUrl: withTrailingSlash(connection.endpoint),
        wireApi: connection.wireApi ?? 'completions',
        wireModel,
      };
    case 'anthropic':
      return { type: 'anthropic', baseUrl: withoutTrailingSlash(connection.endpoint), wireModel };
    case 'ollama-local':
      return {
        type: 'openai',
        baseUrl: `${withoutTrailingSlash(connection.endpoint)}/v1/`,
        wireApi: 'completions',
        wireModel,
      };
    default:
      throw new UnsupportedCopilotProviderError(
        `The Copilot SDK cannot reach the provider ${JSON.stringify(connection.provider)}: its provider types are openai, azure and anthropic, which copilotProvider maps from azure-openai, openai, anthropic and ollama-local. Use one of those model strings (e.g. azure-openai/<deployment>), or build the SDK's ProviderConfig yourself.`,
      );
  }
}

function withTrailingSlash(url: string): string {
  return `${withoutTrailingSlash(url)}/`;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
