/**
 * Returns a bearer token for one fixed scope. Exactly the type that `@azure/identity`'s
 * `getBearerTokenProvider` returns and that `openai`'s `AzureOpenAI({ azureADTokenProvider })`
 * and `@anthropic-ai/foundry-sdk`'s `AnthropicFoundry({ azureADTokenProvider })` accept.
 */
export type TokenProvider = () => Promise<string>;

/** A token provider as users may hand it in: asynchronous, or synchronous for a fixed token. */
export type TokenProviderLike = TokenProvider | (() => string);

/** What a caller may pass to a cached token provider (the names of `@azure/core-auth`'s `GetTokenOptions`). */
export interface TokenRequestOptions {
  /**
   * Cancels the fetch this call starts when no usable token is cached (passed on to the token
   * source). Callers that join a fetch in flight share the signal of the caller that started it.
   */
  abortSignal?: AbortSignal;
}

/**
 * A token provider that caches its token and can be told the token was rejected. It is a
 * {@link TokenProvider}; a caller may also pass {@link TokenRequestOptions}.
 */
export interface CachedTokenProvider extends TokenProvider {
  /** The cached token, or a fresh one (waiting for it) when none is usable. */
  (options?: TokenRequestOptions): Promise<string>;
  /**
   * Forget the cached token, so the next call fetches a new one (call it after a 401). With
   * `claims` (the decoded claims of a claims challenge, `parseClaimsChallenge`), the next fetch
   * asks the credential for a token with those claims (`getToken(scope, { claims })`), that fetch
   * only.
   */
  invalidate(options?: InvalidateOptions): void;
  /** Counters for diagnostics and benchmarks. */
  readonly stats: TokenCacheStats;
}

/** What {@link CachedTokenProvider.invalidate} may be told about the rejection. */
export interface InvalidateOptions {
  /**
   * The claims a 401's claims challenge asks for (Continuous Access Evaluation), as a JSON
   * string: what `parseClaimsChallenge(header)` returns and `getToken`'s `claims` option wants.
   */
  claims?: string;
}

/** Counters kept by a cached token provider. */
export interface TokenCacheStats {
  /** Calls made to the underlying credential (one per token fetched or attempted). */
  fetches: number;
  /** Calls of the provider that had to wait for a fetch because no usable token was cached. */
  waits: number;
  /** Calls of the provider answered from the cache at once. */
  hits: number;
  /** Background refreshes started ahead of expiry. */
  backgroundRefreshes: number;
}

/**
 * An access token with its expiry, the shape of `@azure/core-auth`'s `AccessToken`, so that any
 * `TokenCredential` of `@azure/identity` plugs in.
 */
export interface AccessToken {
  /** The bearer token. */
  token: string;
  /** When the token expires, in milliseconds since the epoch. */
  expiresOnTimestamp: number;
  /** When the token should be refreshed, in milliseconds since the epoch, if the issuer says. */
  refreshAfterTimestamp?: number;
}

/** The shape of `@azure/core-auth`'s `TokenCredential`: every `@azure/identity` credential. */
export interface TokenCredential {
  /** Gets a token for the scopes. */
  getToken(
    scopes: string | string[],
    options?: { abortSignal?: AbortSignal; claims?: string },
  ): Promise<AccessToken | null>;
}

/** True when the provider can be told its token was rejected (a `CachedTokenProvider`). */
export function canInvalidate(provider: TokenProvider): provider is CachedTokenProvider {
  return typeof (provider as Partial<CachedTokenProvider>).invalidate === 'function';
}
