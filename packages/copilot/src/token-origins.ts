import type { TokenProvider } from '@bots/auth';

/** How many handed-out tokens are remembered (the newest; a token lives an hour at most). */
const LIMIT = 256;

const origins = new Map<string, TokenProvider>();

/** Remembers which token provider handed out a token (`copilotProvider`'s configs call it). */
export function recordTokenOrigin(token: string, tokenProvider: TokenProvider): void {
  origins.delete(token);
  origins.set(token, tokenProvider);
  if (origins.size > LIMIT) {
    const oldest = origins.keys().next().value;
    if (oldest !== undefined) origins.delete(oldest);
  }
}

/** The token provider that handed out a token through a `copilotProvider` config, if one did. */
export function tokenOrigin(token: string): TokenProvider | undefined {
  return origins.get(token);
}

const refreshFailures = new WeakMap<TokenProvider, unknown>();

/** Remembers that a token provider could not replace a rejected token (`keylessRequestHandler`). */
export function recordRefreshFailure(tokenProvider: TokenProvider, error: unknown): void {
  refreshFailures.set(tokenProvider, error);
}

/** The failure {@link recordRefreshFailure} remembered for a token provider, forgotten once read. */
export function takeRefreshFailure(tokenProvider: TokenProvider): unknown {
  const error = refreshFailures.get(tokenProvider);
  refreshFailures.delete(tokenProvider);
  return error;
}
