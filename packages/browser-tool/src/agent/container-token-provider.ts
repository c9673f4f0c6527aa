import {
  type AccessToken,
  type CachedTokenProvider,
  cachedTokenProvider,
  jwtExpiresOn,
  registerSecret,
} from '@bots/auth';

/** Header that carries the per-run secret of the host's token channel. */
export const TOKEN_SECRET_HEADER = 'x-bots-token-secret';

/** How long one request to the host's token channel may take. */
const CHANNEL_TIMEOUT_MS = 30_000;

/** Options of {@link containerTokenProvider}. */
export interface ContainerTokenOptions {
  /** The token the host injected (`AZURE_OPENAI_AD_TOKEN`). */
  initialToken?: string;
  /** The host's token channel, e.g. `http://127.0.0.1:41234/token` (`BOTS_TOKEN_ENDPOINT`). */
  endpoint?: string;
  /** The per-run secret of the channel (`BOTS_TOKEN_SECRET`). */
  secret?: string;
  /** Clock, for tests. */
  now?: () => number;
  /** The `fetch` that asks the channel, for tests. */
  fetch?: typeof fetch;
}

/** The container's token provider: a `@bots/auth` cache with a count of the channel's tokens. */
export interface RefreshingTokenProvider extends CachedTokenProvider {
  /** Number of tokens fetched from the host's channel. */
  readonly refreshes: number;
}

/**
 * The container's token provider: the token cache of `@bots/auth` (its refresh policy, one
 * fetch at a time, `invalidate()` after a 401) over a fetch that starts with the injected token
 * and then asks the host's channel, with each token's expiry read from the token itself (opaque
 * tokens are kept until refused). Without a channel the injected token is used until the server
 * refuses it (the reference's behaviour); then the provider fails and says why. A caller's
 * `abortSignal` cancels the channel request it waits for.
 */
export function containerTokenProvider(options: ContainerTokenOptions): RefreshingTokenProvider {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const injected = options.initialToken || undefined;
  registerSecret(injected);
  let current: string | undefined;
  let refused = false;
  let refreshes = 0;

  const accessToken = (token: string): AccessToken => ({
    token,
    expiresOnTimestamp: jwtExpiresOn(token) ?? Number.POSITIVE_INFINITY,
  });

  const fromChannel = async (
    endpoint: string,
    invalidate: boolean,
    signal?: AbortSignal,
  ): Promise<string> => {
    const url = new URL(endpoint);
    if (invalidate) url.searchParams.set('invalidate', '1');
    // A token that outlives the one held: the host renews its own when it has only this one.
    const expiresOn = current === undefined ? undefined : jwtExpiresOn(current);
    if (expiresOn !== undefined)
      url.searchParams.set('minValidityMs', String(Math.max(0, expiresOn - now()) + 1_000));
    const timeout = AbortSignal.timeout(CHANNEL_TIMEOUT_MS);
    const response = await doFetch(url, {
      headers: { [TOKEN_SECRET_HEADER]: options.secret ?? '' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok) throw new Error(`The host's token channel answered ${response.status}.`);
    const body = (await response.json()) as { token?: unknown };
    if (typeof body.token !== 'string' || !body.token)
      throw new Error("The host's token channel returned no token.");
    registerSecret(body.token);
    refreshes++;
    return body.token;
  };

  const nextToken = async (wasRefused: boolean, signal?: AbortSignal): Promise<string> => {
    const unexpired = (token: string) => (jwtExpiresOn(token) ?? Infinity) > now();
    if (injected && current === undefined && !wasRefused) {
      if (!options.endpoint || unexpired(injected)) return injected;
    }
    if (options.endpoint) return fromChannel(options.endpoint, wasRefused, signal);
    if (injected && !wasRefused) return injected;
    throw new Error(
      'The injected token (AZURE_OPENAI_AD_TOKEN) was refused or expired, and the host gave no token channel (BOTS_TOKEN_ENDPOINT) to get a fresh one. Start the container with BOTS_TOKEN_ENDPOINT and BOTS_TOKEN_SECRET, or with a fresh token.',
    );
  };

  const fetchToken = async (signal?: AbortSignal): Promise<AccessToken> => {
    // An invalidate() while this fetch is in flight is for the next one.
    const wasRefused = refused;
    refused = false;
    try {
      current = await nextToken(wasRefused, signal);
      return accessToken(current);
    } catch (error) {
      refused ||= wasRefused;
      throw error;
    }
  };

  const cache = cachedTokenProvider(fetchToken, {
    now,
    label: "browser container's token provider",
  });
  const invalidateCache = cache.invalidate;
  return Object.defineProperties(cache, {
    invalidate: {
      value: (): void => {
        refused = true;
        invalidateCache();
      },
    },
    refreshes: { get: () => refreshes, enumerable: true },
  }) as RefreshingTokenProvider;
}
