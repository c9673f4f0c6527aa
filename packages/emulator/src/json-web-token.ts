import { type KeyObject, sign, verify } from 'node:crypto';

/** A decoded (not yet verified) JSON Web Token. */
export interface DecodedJsonWebToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Signs a payload as a compact RS256 JWT. */
export function signJsonWebToken(
  payload: Record<string, unknown>,
  privateKey: KeyObject,
  keyId: string,
): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId };
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Splits and parses a compact JWT; `undefined` when it is not one. */
export function decodeJsonWebToken(token: string): DecodedJsonWebToken | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (!isRecord(header) || !isRecord(payload)) return undefined;
    return {
      header,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature: Buffer.from(signaturePart, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Checks an RS256 signature. */
export function hasValidSignature(decoded: DecodedJsonWebToken, publicKey: KeyObject): boolean {
  return verify('RSA-SHA256', Buffer.from(decoded.signingInput), publicKey, decoded.signature);
}

/** Tells whether a credential has the shape of a compact JWT (three base64url parts). */
export function looksLikeJsonWebToken(value: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
