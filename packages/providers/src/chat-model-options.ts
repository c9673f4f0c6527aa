import {
  ConfigurationError,
  checkBoolean,
  checkDuration,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  type Env,
  type TokenProviderLike,
} from '@bots/auth';
import type { WarningListener } from './env-setting.js';
import type { RequestPolicy } from './provider-chat-model.js';
import type { ProviderRegistry } from './provider-registry.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY_MS, type RetryInfo } from './retry-policy.js';
import { WIRE_APIS, type WireApi } from './settings-reading.js';

/**
 * Time one model request may take, until its whole answer is read, when `requestTimeoutMs` is
 * not given: 10 minutes, as the OpenAI and Anthropic SDKs allow a long generation.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;

/** Options of `resolveConnection`: what decides how a model is reached. */
export interface ResolveConnectionOptions {
  /** Where configuration is read from, once, at creation (default `process.env`). */
  env?: Env;
  /**
   * A bearer-token provider (`() => Promise<string>`, or `() => string`), e.g. `@azure/identity`'s
   * `getBearerTokenProvider(credential, scope)`. Wins over `AZURE_AUTH_METHOD` and over any key in
   * the env. Used by `azure-openai` and `anthropic`; ignored by `openai` and `ollama-local`.
   */
  tokenProvider?: TokenProviderLike;
  /** `completions` (default) or `responses`, for `azure-openai` and `openai`. Wins over `OPEN_AI_WIRE_API`. */
  wireApi?: WireApi;
  /**
   * Called with warnings about the configuration (two names of one setting set to different
   * values). Default: written to stderr, once per process per setting.
   */
  onWarning?: WarningListener;
  /**
   * Let an API key go over plain http to a host that is not loopback (default false: refused at
   * creation). For a TLS-terminating proxy on a private network. Wins over
   * `BOTS_ALLOW_PLAIN_HTTP_KEY`. Bearer tokens always need https (or loopback).
   */
  allowPlainHttpKey?: boolean;
  /** The providers model strings may name (default `builtInProviders`): add your own here. */
  providers?: ProviderRegistry;
}

/** Options of `connect`: how requests are sent, retried and timed out. */
export interface ConnectOptions {
  /** Retries of a request after 408, 409, 429, 5xx or a connection failure (default 2, at most 10). */
  maxRetries?: number;
  /**
   * Longest wait before one retry, in milliseconds (default 30 s): a server's `retry-after` longer
   * than this is cut to it, so that the caller (a run's timeout) decides, not the server.
   */
  maxRetryDelayMs?: number;
  /**
   * Time one request may take until its whole answer is read, in milliseconds (default 10
   * minutes). Past it, `complete()` rejects with `ModelTimeoutError` ("The model at <endpoint>
   * did not answer within N s."); a timed-out request is not retried.
   */
  requestTimeoutMs?: number;
  /** @deprecated The same as `requestTimeoutMs` (its former name). */
  timeoutMs?: number;
  /**
   * Called before each retry's wait with what it does: `{ attempt, delayMs, requestedDelayMs?,
   * status? }` (e.g. to print "retrying in 30 s (the server asked for 3600 s)"). Its errors are
   * ignored.
   */
  onRetry?: (retry: RetryInfo) => void;
  /** A `fetch` to send requests with (proxies, instrumentation). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** The providers to find the connection's provider in (default `builtInProviders`). */
  providers?: ProviderRegistry;
}

/** Options of `createChatModel`: those of `resolveConnection` and of `connect`. */
export interface CreateChatModelOptions extends ResolveConnectionOptions, ConnectOptions {}

const OPTION_NAMES = [
  'env',
  'tokenProvider',
  'wireApi',
  'maxRetries',
  'maxRetryDelayMs',
  'requestTimeoutMs',
  'timeoutMs',
  'onRetry',
  'onWarning',
  'allowPlainHttpKey',
  'fetch',
  'providers',
] as const;

/** The options `resolveConnection` takes. */
export const RESOLVE_OPTION_NAMES = [
  'env',
  'tokenProvider',
  'wireApi',
  'onWarning',
  'allowPlainHttpKey',
  'providers',
] as const;

/** The options `connect` takes. */
export const CONNECT_OPTION_NAMES = [
  'maxRetries',
  'maxRetryDelayMs',
  'requestTimeoutMs',
  'timeoutMs',
  'onRetry',
  'fetch',
  'providers',
] as const;

/** The options, checked; everything else `createChatModel` needs is derived from them. */
export interface CheckedChatModelOptions {
  env: Env;
  tokenProvider?: TokenProviderLike;
  wireApi?: WireApi;
  allowPlainHttpKey?: boolean;
  onWarning?: WarningListener;
  fetch?: typeof globalThis.fetch;
  providers?: ProviderRegistry;
  policy: RequestPolicy;
}

/**
 * Checks `createChatModel`'s options with the shared checks of `@bots/auth`: a `ConfigurationError`
 * naming the option, the value and the fix, before anything is read or built.
 */
export function checkChatModelOptions(
  options: unknown,
  name = 'createChatModel options',
  optionNames: readonly string[] = OPTION_NAMES,
): CheckedChatModelOptions {
  const record = checkObject(
    options,
    name,
    'Pass an object such as { env: process.env }, or nothing.',
  );
  checkKnownKeys(record, name, optionNames);
  const value = record as CreateChatModelOptions;
  const env =
    value.env === undefined
      ? process.env
      : (checkObject(value.env, 'env', 'Pass process.env or { NAME: "value" }.') as Env);
  const checked: CheckedChatModelOptions = {
    env,
    policy: {
      maxRetries:
        value.maxRetries === undefined
          ? DEFAULT_MAX_RETRIES
          : checkInteger(value.maxRetries, 'maxRetries', {
              min: 0,
              max: 10,
              hint: 'It is how often a failed request is sent again, e.g. 2 (0: never).',
            }),
      maxRetryDelayMs:
        value.maxRetryDelayMs === undefined
          ? DEFAULT_MAX_RETRY_DELAY_MS
          : checkDuration(value.maxRetryDelayMs, 'maxRetryDelayMs', {
              hint: 'It caps the wait before one retry, e.g. 30000 (30 s).',
            }),
      requestTimeoutMs: requestTimeout(value),
    },
  };
  if (value.onRetry !== undefined) {
    checked.policy.onRetry = checkFunction<(retry: RetryInfo) => void>(
      value.onRetry,
      'onRetry',
      'Pass (retry) => void.',
    );
  }
  if (value.tokenProvider !== undefined) checked.tokenProvider = value.tokenProvider;
  if (value.wireApi !== undefined) {
    checked.wireApi = checkOneOf(value.wireApi, 'wireApi', WIRE_APIS);
  }
  if (value.allowPlainHttpKey !== undefined) {
    checked.allowPlainHttpKey = checkBoolean(
      value.allowPlainHttpKey,
      'allowPlainHttpKey',
      'Pass true only behind a TLS-terminating proxy on a private network.',
    );
  }
  if (value.onWarning !== undefined) {
    checked.onWarning = checkFunction<WarningListener>(
      value.onWarning,
      'onWarning',
      'Pass (message) => void.',
    );
  }
  if (value.providers !== undefined) {
    if (!Array.isArray(value.providers) || value.providers.length === 0) {
      throw new ConfigurationError(
        'providers must be a non-empty array of provider definitions. Pass [...builtInProviders, yourProvider], or leave it out.',
      );
    }
    checked.providers = value.providers;
  }
  if (value.fetch !== undefined) {
    checked.fetch = checkFunction<typeof globalThis.fetch>(
      value.fetch,
      'fetch',
      'Pass a fetch-compatible function.',
    );
  }
  return checked;
}

function requestTimeout(options: CreateChatModelOptions): number {
  const hint = 'It is how long one model request may take, e.g. 600000 (10 minutes).';
  const current =
    options.requestTimeoutMs === undefined
      ? undefined
      : checkDuration(options.requestTimeoutMs, 'requestTimeoutMs', { hint });
  const former =
    options.timeoutMs === undefined
      ? undefined
      : checkDuration(options.timeoutMs, 'timeoutMs', { hint });
  if (current !== undefined && former !== undefined && current !== former) {
    throw new ConfigurationError(
      `requestTimeoutMs (${current}) and timeoutMs (${former}) disagree; timeoutMs is the former name of requestTimeoutMs. Pass requestTimeoutMs only.`,
    );
  }
  return current ?? former ?? DEFAULT_REQUEST_TIMEOUT_MS;
}
