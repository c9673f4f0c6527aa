import {
  canInvalidate,
  registerSecret,
  type TokenProvider,
  tokenProviderFromEnv,
  toTokenProvider,
} from '@bots/auth';
import {
  type ChatModel,
  createChatModel,
  modelStringFromEnv,
  parseModel,
  resolveProviderSettings,
  tokenScopeFor,
} from '@bots/providers';
import type { BrowserTaskOptions, Env } from './browser-task-options.js';

/** The model of one run, made on this host (for either runner), with what the result reports. */
export interface BrowserModel {
  model: ChatModel;
  auth: 'token' | 'key' | 'none';
  /** Calls the token provider once (right before the browser starts), when there is one. */
  preflight(): Promise<void>;
  /** How many times a fresh token replaced the one before. */
  readonly tokenRefreshes: number;
}

/** Counts the distinct tokens a provider hands out; keeps its `invalidate()` (used after a 401). */
function counting(provider: TokenProvider): { provider: TokenProvider; refreshes: () => number } {
  let last: string | undefined;
  let refreshes = 0;
  const wrapped = (async () => {
    const token = await provider();
    registerSecret(token);
    if (last !== undefined && token !== last) refreshes++;
    last = token;
    return token;
  }) as TokenProvider & { invalidate?: () => void };
  if (canInvalidate(provider)) wrapped.invalidate = () => provider.invalidate();
  return { provider: wrapped, refreshes: () => refreshes };
}

/**
 * Builds the run's model: the given `ChatModel`, or `createChatModel(model string, { env,
 * tokenProvider })` where the token provider is the option's, else (azure-openai) the one
 * `AZURE_AUTH_METHOD` opts into, with the scope `@bots/providers` would pick for the endpoint.
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
  const modelString = options.model ?? modelStringFromEnv('azure-openai', env);
  const parsed = parseModel(modelString);
  let source: TokenProvider | undefined;
  if (options.tokenProvider !== undefined) source = toTokenProvider(options.tokenProvider);
  else if (parsed.provider === 'azure-openai') {
    const settings = resolveProviderSettings('azure-openai', env);
    const scope = tokenScopeFor(settings, env);
    source = await tokenProviderFromEnv({
      env,
      provider: 'azure-openai',
      ...(scope === undefined ? {} : { scope }),
    });
  }
  const counted = source ? counting(source) : undefined;
  const model = await createChatModel(modelString, {
    env,
    ...(counted ? { tokenProvider: counted.provider } : {}),
  });
  const auth = model.connection?.auth ?? (counted ? 'token' : 'key');
  return {
    model,
    auth,
    preflight: async () => {
      if (counted && auth === 'token') await counted.provider();
    },
    get tokenRefreshes() {
      return counted?.refreshes() ?? 0;
    },
  };
}
