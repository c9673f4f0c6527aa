import { registerSecret, type TokenProvider } from '@bots/auth';
import { refreshAheadMs, tokenTimes } from '../token-lifetime.js';

/** Header that carries the per-run secret of the host's token channel. */
export const TOKEN_SECRET_HEADER = 'x-bots-token-secret';

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
  fetch?: typeof fetch;
}

/** A token provider with `invalidate()` (the shape `@bots/providers` uses after a 401). */
export interface RefreshingTokenProvider extends TokenProvider {
  invalidate(): void;
  /** Number of tokens fetched from the host's channel. */
  readonly refreshes: number;
}

/**
 * The container's token provider: it starts with the injected token and asks the host's channel
 * for a fresh one when the current one is within its refresh window (half its lifetime, at most
 * 5 minutes) or after `invalidate()` (a 401). One fetch in flight at a time. If the channel fails
 * while the current token is still valid, the current token is used.
 */
export function containerTokenProvider(options: ContainerTokenOptions): RefreshingTokenProvider {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  let current = options.initialToken || undefined;
  let stale = false;
  let inflight: Promise<string> | undefined;
  let refreshes = 0;
  registerSecret(current);

  const needsRefresh = (token: string | undefined): boolean => {
    if (!token || stale) return true;
    const { expiresAt } = tokenTimes(token);
    return expiresAt !== undefined && expiresAt - now() <= refreshAheadMs(token);
  };

  const fetchToken = async (): Promise<string> => {
    if (!options.endpoint)
      throw new Error(
        'The injected token expired and the host gave no token channel (BOTS_TOKEN_ENDPOINT).',
      );
    const url = new URL(options.endpoint);
    if (stale) url.searchParams.set('invalidate', '1');
    if (current)
      url.searchParams.set('minValidityMs', String(Math.round(refreshAheadMs(current) + 500)));
    const response = await doFetch(url, {
      headers: { [TOKEN_SECRET_HEADER]: options.secret ?? '' },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`The host's token channel answered ${response.status}.`);
    const body = (await response.json()) as { token?: unknown };
    if (typeof body.token !== 'string' || !body.token)
      throw new Error("The host's token channel returned no token.");
    registerSecret(body.token);
    refreshes++;
    return body.token;
  };

  const provider = (async () => {
    if (!needsRefresh(current) && current) return current;
    // No channel (the reference's behaviour): the one token is used until the server refuses it.
    if (!options.endpoint && current && !stale) return current;
    inflight ??= fetchToken()
      .then((token) => {
        current = token;
        stale = false;
        return token;
      })
      .catch((error: unknown) => {
        const { expiresAt } = current ? tokenTimes(current) : {};
        if (current && !stale && expiresAt !== undefined && expiresAt > now()) return current;
        throw error;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }) as RefreshingTokenProvider;
  provider.invalidate = () => {
    stale = true;
  };
  Object.defineProperty(provider, 'refreshes', { get: () => refreshes });
  return provider;
}
