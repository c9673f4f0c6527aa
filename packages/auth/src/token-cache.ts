import { AuthenticationError } from './errors.js';
import { jwtExpiresOn } from './jwt-claims.js';
import {
  checkDuration,
  checkFunction,
  checkKnownKeys,
  checkObject,
  checkString,
} from './option-checks.js';
import { redact, registerSecret } from './redact.js';
import { isStillRevoked, revokedTokenError } from './revoked-token.js';
import { AUTH_ATTRIBUTES, type CacheOutcome, inTokenSpan, markTokenSpan } from './telemetry.js';
import type {
  AccessToken,
  CachedTokenProvider,
  TokenCacheStats,
  TokenCredential,
  TokenRequestOptions,
} from './token-provider.js';

/** Options of `cachedTokenProvider`. */
export interface TokenCacheOptions {
  /**
   * Refresh in the background this long before expiry (default 2 minutes), capped at a quarter
   * of the token's lifetime so that short-lived tokens are refreshed too. An issuer's
   * `refreshAfterTimestamp` wins when it is earlier.
   */
  refreshWindowMs?: number;
  /**
   * Never hand out a token closer than this to its expiry (default 30 seconds, capped at a tenth
   * of the token's lifetime): callers wait for a fresh one instead.
   */
  expiryMarginMs?: number;
  /** The clock, in milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** A label for error messages, e.g. the auth method. */
  label?: string;
}

/** The names of {@link TokenCacheOptions}. */
export const TOKEN_CACHE_OPTION_NAMES = [
  'refreshWindowMs',
  'expiryMarginMs',
  'now',
  'label',
] as const;

/**
 * Checks the cache options of `options` (other keys are left to the caller) and returns only
 * them. Throws a `ConfigurationError` naming the bad option.
 */
export function pickCacheOptions(options: TokenCacheOptions): TokenCacheOptions {
  const picked: TokenCacheOptions = {};
  const { refreshWindowMs, expiryMarginMs, now, label } = options;
  if (refreshWindowMs !== undefined) {
    picked.refreshWindowMs = checkDuration(refreshWindowMs, 'refreshWindowMs', {
      hint: 'It is how long before expiry a token is refreshed, e.g. 120000 (2 minutes).',
    });
  }
  if (expiryMarginMs !== undefined) {
    picked.expiryMarginMs = checkDuration(expiryMarginMs, 'expiryMarginMs', {
      hint: 'It is how close to expiry a token is still handed out, e.g. 30000 (30 s).',
    });
  }
  if (now !== undefined)
    picked.now = checkFunction<() => number>(now, 'now', 'Pass () => Date.now().');
  if (label !== undefined) picked.label = checkString(label, 'label', { nonEmpty: true });
  return picked;
}

/** Checks that `value` is a `TokenCredential` (an object with `getToken`). */
export function checkCredential(value: unknown, name: string): TokenCredential {
  const hint =
    'Pass a TokenCredential, an object with getToken(scopes), such as new DefaultAzureCredential() from @azure/identity.';
  checkObject(value, name, hint);
  checkFunction((value as { getToken?: unknown }).getToken, `${name}.getToken`, hint);
  return value as TokenCredential;
}

interface CachedToken {
  token: string;
  refreshAt: number;
  usableUntil: number;
  expiresAt: number;
}

/** What the spans of a cache say about its credential (never a secret). */
export interface TokenCacheTraceInfo {
  /** The auth method or chain, as `describeAuthMethods` writes it. */
  method?: string;
  /** The credential's class. */
  credentialClass?: string;
  /** The scope. */
  scope?: string;
}

/**
 * Wraps a token source with a cache: one fetch in flight at a time however many callers, a
 * background refresh ahead of expiry so that no caller waits once a token is cached, and
 * `invalidate()` for a token the server rejected. Tokens fetched are registered for redaction.
 *
 * `invalidate({ claims })` (after a claims challenge, see `parseClaimsChallenge`) passes the
 * claims to the next fetch only: `fetchToken(signal, claims)`. When that fetch gives the rejected
 * token again (or one issued before the challenge's `nbf`), the caller gets an
 * `AuthenticationError` that says the credential cannot replace the revoked token yet, when it
 * can, and what to do, instead of the revoked token (see `revokedTokenError`).
 *
 * A caller that has to wait passes its `abortSignal` (`provider({ abortSignal })`) on to
 * `fetchToken`; a background refresh gets no signal (its caller was answered from the cache).
 * When the signal aborts the fetch, the caller gets the signal's reason.
 */
export function cachedTokenProvider(
  fetchToken: (signal?: AbortSignal, claims?: string) => Promise<AccessToken | null>,
  cacheOptions: TokenCacheOptions = {},
): CachedTokenProvider {
  checkFunction(fetchToken, 'fetchToken', 'Pass a function that resolves to an AccessToken.');
  checkObject(cacheOptions, 'cachedTokenProvider options', 'Pass an object, or nothing.');
  checkKnownKeys(
    cacheOptions as Record<string, unknown>,
    'cachedTokenProvider options',
    TOKEN_CACHE_OPTION_NAMES,
  );
  return createTokenCache(fetchToken, pickCacheOptions(cacheOptions), {});
}

/** {@link cachedTokenProvider} with checked options and what its spans say of the credential. */
function createTokenCache(
  fetchToken: (signal?: AbortSignal, claims?: string) => Promise<AccessToken | null>,
  options: TokenCacheOptions,
  traceInfo: TokenCacheTraceInfo,
): CachedTokenProvider {
  const now = options.now ?? Date.now;
  const refreshWindowMs = options.refreshWindowMs ?? 120_000;
  const expiryMarginMs = options.expiryMarginMs ?? 30_000;
  const label = options.label ?? 'token provider';
  const stats: TokenCacheStats = { fetches: 0, waits: 0, hits: 0, backgroundRefreshes: 0 };
  let current: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;
  let retryBackgroundAt = 0;
  let generation = 0;
  let pendingClaims: string | undefined;
  let rejectedToken: string | undefined;

  const fetchFresh = (signal?: AbortSignal): Promise<CachedToken> => {
    if (inFlight) return inFlight;
    const started = generation;
    const claims = pendingClaims;
    const rejected = rejectedToken;
    pendingClaims = undefined;
    rejectedToken = undefined;
    stats.fetches += 1;
    const attempt = (async () => {
      const fetchedAt = now();
      let accessToken: AccessToken | null;
      try {
        accessToken = await (claims === undefined
          ? fetchToken(signal)
          : fetchToken(signal, claims));
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw new AuthenticationError(
          `The ${label} failed to get a token: ${redact(messageOf(error))}`,
          {
            cause: error,
          },
        );
      }
      if (!accessToken || typeof accessToken.token !== 'string' || accessToken.token === '') {
        throw new AuthenticationError(`The ${label} returned no token.`);
      }
      registerSecret(accessToken.token);
      if (claims !== undefined && isStillRevoked(accessToken.token, rejected, claims)) {
        throw revokedTokenError({
          label,
          sameToken: accessToken.token === rejected,
          expiresOnTimestamp: accessToken.expiresOnTimestamp,
          now: now(),
        });
      }
      // The credential's expiry can be later than the token's own `exp` (MSAL computes it from
      // the request time, rounded to the second); a JWT is never used past its `exp`.
      const jwtExpiry = jwtExpiresOn(accessToken.token);
      const expiresAt =
        jwtExpiry === undefined
          ? accessToken.expiresOnTimestamp
          : Math.min(accessToken.expiresOnTimestamp, jwtExpiry);
      const lifetime = Math.max(0, expiresAt - fetchedAt);
      let refreshAt = expiresAt - Math.min(refreshWindowMs, lifetime / 4);
      if (accessToken.refreshAfterTimestamp !== undefined) {
        refreshAt = Math.min(refreshAt, accessToken.refreshAfterTimestamp);
      }
      const fresh: CachedToken = {
        token: accessToken.token,
        refreshAt,
        usableUntil: expiresAt - Math.min(expiryMarginMs, lifetime / 10),
        expiresAt,
      };
      if (started === generation) current = fresh;
      return fresh;
    })();
    inFlight = attempt;
    const settle = () => {
      if (inFlight === attempt) inFlight = undefined;
    };
    attempt.then(settle, settle);
    return attempt;
  };

  const baseAttributes = {
    ...(traceInfo.method ? { [AUTH_ATTRIBUTES.method]: traceInfo.method } : {}),
    ...(traceInfo.credentialClass
      ? { [AUTH_ATTRIBUTES.credentialClass]: traceInfo.credentialClass }
      : {}),
    ...(traceInfo.scope ? { [AUTH_ATTRIBUTES.scope]: traceInfo.scope } : {}),
  };
  const spanAttributes = (cache: CacheOutcome, extra: Record<string, boolean> = {}) => ({
    ...baseAttributes,
    [AUTH_ATTRIBUTES.cache]: cache,
    ...extra,
  });
  const expiryAttributes = (token: CachedToken) => ({
    [AUTH_ATTRIBUTES.expiresAt]: new Date(token.expiresAt).toISOString(),
    [AUTH_ATTRIBUTES.remainingMs]: Math.max(0, Math.round(token.expiresAt - now())),
  });

  const provider = async (request?: TokenRequestOptions): Promise<string> => {
    const time = now();
    const cached = current;
    if (cached && time < cached.usableUntil) {
      stats.hits += 1;
      const refresh = time >= cached.refreshAt && !inFlight && time >= retryBackgroundAt;
      markTokenSpan(() => ({
        ...spanAttributes('hit', refresh ? { [AUTH_ATTRIBUTES.refreshStarted]: true } : {}),
        ...expiryAttributes(cached),
      }));
      if (refresh) {
        stats.backgroundRefreshes += 1;
        inTokenSpan(
          spanAttributes('refresh'),
          async (span) => {
            const fresh = await fetchFresh();
            span.setAttributes(expiryAttributes(fresh));
          },
          { root: true },
        ).catch(() => {
          // Keep the cached token until it is no longer usable; try again a little later.
          retryBackgroundAt = now() + Math.max(1_000, (cached.usableUntil - now()) / 4);
        });
      }
      return cached.token;
    }
    stats.waits += 1;
    const signal = request?.abortSignal;
    const joined = inFlight !== undefined;
    const claims = !joined && pendingClaims !== undefined;
    return inTokenSpan(
      spanAttributes(joined ? 'joined' : 'wait', claims ? { [AUTH_ATTRIBUTES.claims]: true } : {}),
      async (span) => {
        const fresh = await fetchFresh(signal instanceof AbortSignal ? signal : undefined);
        span.setAttributes(expiryAttributes(fresh));
        return fresh.token;
      },
    );
  };

  return Object.assign(provider, {
    invalidate(invalidateOptions?: { claims?: string }): void {
      const claims = invalidateOptions?.claims;
      if (claims !== undefined) {
        checkString(claims, 'invalidate claims', {
          nonEmpty: true,
          hint: 'Pass the decoded claims of the challenge (parseClaimsChallenge), or nothing.',
        });
        pendingClaims = claims;
        rejectedToken = current?.token;
      }
      generation += 1;
      current = undefined;
      inFlight = undefined;
      retryBackgroundAt = 0;
    },
    stats,
  });
}

/**
 * A cached token provider over any `TokenCredential` (every `@azure/identity` credential) for one
 * scope: the same contract as `getBearerTokenProvider`, plus `invalidate()` and `stats`; the
 * claims of `invalidate({ claims })` go to `getToken(scope, { claims })` once.
 */
export function tokenProviderFromCredential(
  credential: TokenCredential,
  scope: string,
  options: TokenCacheOptions = {},
): CachedTokenProvider {
  return tokenCacheForCredential(credential, scope, options);
}

/**
 * {@link tokenProviderFromCredential}, with the auth method named in its spans
 * (`tokenProviderFromEnv`'s).
 */
export function tokenCacheForCredential(
  credential: TokenCredential,
  scope: string,
  options: TokenCacheOptions,
  method?: string,
): CachedTokenProvider {
  checkCredential(credential, 'credential');
  checkString(scope, 'scope', {
    nonEmpty: true,
    hint: 'Pass a scope such as https://cognitiveservices.azure.com/.default (COGNITIVE_SERVICES_SCOPE).',
  });
  checkObject(options, 'cachedTokenProvider options', 'Pass an object, or nothing.');
  checkKnownKeys(
    options as Record<string, unknown>,
    'cachedTokenProvider options',
    TOKEN_CACHE_OPTION_NAMES,
  );
  const credentialClass = (credential as { constructor?: { name?: unknown } }).constructor?.name;
  return createTokenCache(
    (abortSignal, claims) =>
      credential.getToken(scope, {
        ...(abortSignal ? { abortSignal } : {}),
        ...(claims !== undefined ? { claims } : {}),
      }),
    pickCacheOptions(options),
    {
      scope,
      ...(method ? { method } : {}),
      ...(typeof credentialClass === 'string' && credentialClass !== 'Object'
        ? { credentialClass }
        : {}),
    },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
