import { createHash, randomUUID } from 'node:crypto';
import { scopeToAudience } from './audience.js';
import type { IssuedToken, TokenVerification } from './issued-token.js';
import { decodeJsonWebToken, hasValidSignature, signJsonWebToken } from './json-web-token.js';
import type { SigningKey } from './signing-key.js';
import type { TokenClaims } from './token-claims.js';

/** What the issuer needs to know. */
export interface TokenIssuerSettings {
  signingKey: SigningKey;
  /** Milliseconds since the epoch. */
  clock: () => number;
  tenantId: string;
  /** The system-assigned identity's client id. */
  clientId: string;
  defaultLifetimeSeconds: number;
}

/** What to issue a token for. */
export interface TokenRequest {
  audience: string;
  lifetimeSeconds?: number;
  notBeforeSeconds?: number;
  clientId?: string;
  /** The tenant (`tid`, `iss`). Default: the issuer's. */
  tenantId?: string;
  /** Issue no earlier than this (epoch seconds): `iat` and `nbf` are at least it (a CAE `nbf` claim). */
  issuedNoEarlierThan?: number;
  /** Claims added as they are, e.g. `azp` or `xms_cc`. */
  extraClaims?: Record<string, unknown>;
  /** The identity's object id (`oid`, `sub`). Default: derived from the tenant and client id. */
  objectId?: string;
}

/** Issues and verifies the emulator's access tokens, and revokes them. */
export class TokenIssuer {
  readonly #settings: TokenIssuerSettings;
  readonly #outstanding = new Set<string>();
  readonly #revoked = new Set<string>();
  #revokedAtSeconds: number | undefined;

  constructor(settings: TokenIssuerSettings) {
    this.#settings = { ...settings };
  }

  /** Sets the lifetime of tokens issued from now on. */
  setDefaultLifetime(seconds: number): void {
    if (!(seconds > 0))
      throw new RangeError(`The token lifetime must be positive, got ${seconds}.`);
    this.#settings.defaultLifetimeSeconds = seconds;
  }

  get issuer(): string {
    return this.issuerOf(this.#settings.tenantId);
  }

  /** The `iss` of tokens issued for a tenant. */
  issuerOf(tenantId: string): string {
    return `https://sts.windows.net/${tenantId}/`;
  }

  /** When `revokeIssued` last ran, epoch seconds (a CAE challenge's `nbf`); `undefined` before. */
  get revokedAtSeconds(): number | undefined {
    return this.#revokedAtSeconds;
  }

  issue(request: TokenRequest): IssuedToken {
    const { signingKey, clock, defaultLifetimeSeconds } = this.#settings;
    const tenantId = request.tenantId ?? this.#settings.tenantId;
    const now = Math.max(Math.floor(clock() / 1000), request.issuedNoEarlierThan ?? 0);
    const lifetime = request.lifetimeSeconds ?? defaultLifetimeSeconds;
    const clientId = request.clientId ?? this.#settings.clientId;
    const objectId = request.objectId ?? deterministicGuid(`object:${tenantId}:${clientId}`);
    const claims: TokenClaims = {
      aud: scopeToAudience(request.audience),
      iss: this.issuerOf(tenantId),
      iat: now,
      nbf: now + (request.notBeforeSeconds ?? 0),
      exp: now + lifetime,
      oid: objectId,
      sub: objectId,
      tid: tenantId,
      appid: clientId,
      client_id: clientId,
      idtyp: 'app',
      ver: '1.0',
      jti: randomUUID(),
      ...request.extraClaims,
    };
    const token = signJsonWebToken(
      claims as unknown as Record<string, unknown>,
      signingKey.privateKey,
      signingKey.keyId,
    );
    this.#outstanding.add(claims.jti);
    return { token, tokenId: claims.jti, expiresOnTimestamp: claims.exp * 1000, claims };
  }

  /** Checks signature, time window and revocation; the audience is the caller's business. */
  verify(token: string): TokenVerification {
    const decoded = decodeJsonWebToken(token);
    if (decoded === undefined) return { valid: false, reason: 'malformed token' };
    const claims = decoded.payload as TokenVerification['claims'] & Record<string, unknown>;
    if (decoded.header['alg'] !== 'RS256') {
      return {
        valid: false,
        reason: `unsupported algorithm ${String(decoded.header['alg'])}`,
        claims,
      };
    }
    if (decoded.header['kid'] !== this.#settings.signingKey.keyId) {
      return { valid: false, reason: 'unknown signing key', claims };
    }
    if (!hasValidSignature(decoded, this.#settings.signingKey.publicKey)) {
      return { valid: false, reason: 'invalid signature', claims };
    }
    const now = this.#settings.clock() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= now) {
      return { valid: false, reason: 'token expired', claims };
    }
    if (typeof claims.nbf === 'number' && claims.nbf > now) {
      return { valid: false, reason: 'token not yet valid', claims };
    }
    if (typeof claims.jti === 'string' && this.#revoked.has(claims.jti)) {
      return { valid: false, reason: 'token revoked', claims };
    }
    return { valid: true, claims };
  }

  /** Revokes every token issued so far; returns how many. Tokens issued later are fine. */
  revokeIssued(): number {
    const count = this.#outstanding.size;
    this.#revokedAtSeconds = Math.floor(this.#settings.clock() / 1000);
    for (const tokenId of this.#outstanding) this.#revoked.add(tokenId);
    this.#outstanding.clear();
    return count;
  }
}

/** A stable GUID-shaped id derived from a seed, so that one identity keeps one object id. */
export function deterministicGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `8${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
