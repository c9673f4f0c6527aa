import { canInvalidate, type TokenProvider } from '@bots/auth';
import {
  type ChatModel,
  connect,
  DEFAULT_PROVIDER,
  type ModelConnection,
  modelStringFromEnv,
  resolveConnection,
} from '@bots/providers';
import type { BrowserTaskOptions, Env } from './browser-task-options.js';

/** The model of one run, made on this host (for either runner), with what the result reports. */
export interface BrowserModel {
  model: ChatModel;
  auth: 'token' | 'key' | 'none';
  /**
   * How the model is reached, as `resolveConnection` decided it (no secret), handed on to the
   * container; `undefined` for a `ChatModel` you passed.
   */
  connection?: ModelConnection;
  /** Calls the token provider once (right before the browser starts), when there is one. */
  preflight(): Promise<void>;
  /** How many times a fresh token replaced the one before. */
  readonly tokenRefreshes: number;
}

/**
 * Counts the distinct tokens a provider hands out; keeps its `invalidate()` (used after a 401).
 * Its tokens are registered for redaction where they come from (the token cache, `toTokenProvider`).
 */
function counting(provider: TokenProvider): { provider: TokenProvider; refreshes: () => number } {
  let last: string | undefined;
  let refreshes = 0;
  const wrapped = (async () => {
    const token = await provider();
    if (last !== undefined && token !== last) refreshes++;
    last = token;
    return token;
  }) as TokenProvider & { invalidate?: () => void };
  if (canInvalidate(provider)) wrapped.invalidate = () => provider.invalidate();
  return { provider: wrapped, refreshes: () => refreshes };
}

/**
 * Builds the run's model: the given `ChatModel`, or `connect(resolveConnection(model string, {
 * env, tokenProvider }))`, where `@bots/providers` decides the token provider (the option's, else
 * the one `AZURE_AUTH_METHOD` opts into, with the scope the provider's definition decides) and
 * this counts its fresh tokens. The model string defaults to the default provider's deployment
 * of the env.
 */
export async function prepareBrowserModel(
  options: BrowserTaskOptions,
  env: Env,
): Promise<BrowserModel> {
  if (options.model !== undefined && typeof options.model !== 'string') {
    const model = options.model;
    return {
      model,
      auth: model.connection?.auth ?? 'none',
      preflight: async () => undefined,
      tokenRefreshes: 0,
    };
  }
  const modelString = options.model ?? modelStringFromEnv(DEFAULT_PROVIDER, env);
  const resolved = await resolveConnection(modelString, {
    env,
    ...(options.tokenProvider !== undefined ? { tokenProvider: options.tokenProvider } : {}),
  });
  const counted = resolved.tokenProvider ? counting(resolved.tokenProvider) : undefined;
  const model = await connect(counted ? resolved.withTokenProvider(counted.provider) : resolved);
  const { auth } = resolved.connection;
  return {
    model,
    auth,
    connection: resolved.connection,
    preflight: async () => {
      if (counted && auth === 'token') await counted.provider();
    },
    get tokenRefreshes() {
      return counted?.refreshes() ?? 0;
    },
  };
}
