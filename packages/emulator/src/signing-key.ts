import { createHash, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';

/** An RSA key pair the emulator signs its tokens with. */
export interface SigningKey {
  /** The key id, sent as `kid` in token headers and in the JWKS. */
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK (`kty`, `n`, `e`, `kid`, `use`, `alg`). */
  publicJwk: JsonWebKey;
}

let sharedKey: Promise<SigningKey> | undefined;

/**
 * The key pair shared by every emulator in this process (generated once). Sharing it keeps tokens
 * that `@azure/msal-node` cached process-wide from an earlier emulator valid at a later one.
 */
export function sharedSigningKey(): Promise<SigningKey> {
  sharedKey ??= createSigningKey();
  return sharedKey;
}

/** Generates a fresh RSA-2048 key pair. */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await new Promise<{
    privateKey: KeyObject;
    publicKey: KeyObject;
  }>((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ privateKey, publicKey });
    });
  });
  const jwk = publicKey.export({ format: 'jwk' });
  const keyId = createHash('sha256').update(`${jwk.n}.${jwk.e}`).digest('base64url').slice(0, 16);
  return {
    keyId,
    privateKey,
    publicKey,
    publicJwk: { ...jwk, kid: keyId, use: 'sig', alg: 'RS256' },
  };
}
