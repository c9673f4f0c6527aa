import type { TokenClaims } from './token-claims.js';

/** Options of `Emulator.issueToken`, for tests that need a token without the identity endpoint. */
export interface IssueTokenOptions {
  /**
   * The audience (resource), e.g. `https://cognitiveservices.azure.com`; a scope such as
   * `https://ai.azure.com/.default` is accepted and trimmed to its resource.
   */
  audience: string;
  /** Lifetime from now; negative for a token that is already expired. Default: the emulator's. */
  lifetimeSeconds?: number;
  /** Makes the token valid only from this many seconds from now (`nbf`). Default 0. */
  notBeforeSeconds?: number;
  /** The managed identity's client id (`appid`). Default: the system-assigned identity's. */
  clientId?: string;
}

/** A token the emulator issued. */
export interface IssuedToken {
  /** The compact RS256 JWT. A secret: do not log it. */
  token: string;
  /** Its `jti`, which the request log uses to refer to it. */
  tokenId: string;
  /** Expiry in milliseconds since the epoch, as `@azure/core-auth`'s `AccessToken` has it. */
  expiresOnTimestamp: number;
  /** Its claims. */
  claims: TokenClaims;
}

/** The result of checking a bearer token against the emulator's key, clock and revocations. */
export interface TokenVerification {
  /** Signature, time window and revocation are all fine (the audience is checked separately). */
  valid: boolean;
  /** Why it is not valid, e.g. `token expired`, `invalid signature`, `token revoked`. */
  reason?: string;
  /** The claims, when the token could be decoded (even when it is not valid). */
  claims?: Partial<TokenClaims> & Record<string, unknown>;
}
