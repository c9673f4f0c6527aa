import { generateKeyPair, type KeyObject, X509Certificate } from 'node:crypto';
import { buildCertificate } from './certificate.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A certificate with its private key, as PEM. */
export interface CertificateWithKey {
  /** The certificate, PEM. */
  certificatePem: string;
  /** Its private key, PKCS#8 PEM. A secret. */
  privateKeyPem: string;
  /** The parsed certificate. */
  certificate: X509Certificate;
}

/** The authority's TLS material: a CA and a loopback server certificate it signed. */
export interface AuthorityTlsMaterial {
  certificateAuthority: CertificateWithKey;
  server: CertificateWithKey;
}

/** How long certificates are valid (from one hour ago). */
export interface ValidityOptions {
  /** Days from now. Default 30. */
  validDays?: number;
  /** The clock, milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

/** Names a loopback server certificate covers. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

/** Generates a fresh RSA-2048 key pair. */
export function generateRsaKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ privateKey, publicKey });
    });
  });
}

/**
 * Creates a CA (`CA:TRUE`, `keyCertSign | cRLSign`) and a server certificate it signs for
 * `127.0.0.1`, `::1` and `localhost` (`serverAuth`).
 */
export async function createAuthorityTlsMaterial(
  options: ValidityOptions = {},
): Promise<AuthorityTlsMaterial> {
  const { notBefore, notAfter } = validity(options);
  const [caKeys, serverKeys] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const ca = buildCertificate({
    commonName: '@bots/emulator local CA',
    publicKey: caKeys.publicKey,
    signer: { commonName: '@bots/emulator local CA', privateKey: caKeys.privateKey },
    notBefore,
    notAfter,
    certificateAuthority: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const server = buildCertificate({
    commonName: 'localhost',
    publicKey: serverKeys.publicKey,
    signer: {
      commonName: '@bots/emulator local CA',
      privateKey: caKeys.privateKey,
      keyIdentifier: ca.keyIdentifier,
    },
    notBefore,
    notAfter,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    subjectAltNames: LOOPBACK_NAMES,
  });
  return {
    certificateAuthority: withKey(ca.pem, caKeys.privateKey),
    server: withKey(server.pem, serverKeys.privateKey),
  };
}

/** Creates a self-signed client certificate (`clientAuth`), as an application registers one. */
export async function createClientCertificate(
  commonName: string,
  options: ValidityOptions = {},
): Promise<CertificateWithKey> {
  const { notBefore, notAfter } = validity(options);
  const keys = await generateRsaKeyPair();
  const built = buildCertificate({
    commonName,
    publicKey: keys.publicKey,
    signer: { commonName, privateKey: keys.privateKey },
    notBefore,
    notAfter,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['clientAuth'],
  });
  return withKey(built.pem, keys.privateKey);
}

let shared: Promise<AuthorityTlsMaterial> | undefined;

/** The TLS material shared by every emulator in this process (made once: key generation is slow). */
export function sharedAuthorityTlsMaterial(): Promise<AuthorityTlsMaterial> {
  shared ??= createAuthorityTlsMaterial();
  return shared;
}

function validity(options: ValidityOptions): { notBefore: Date; notAfter: Date } {
  const days = options.validDays ?? 30;
  if (!(days > 0)) throw new RangeError(`validDays must be positive, got ${days}.`);
  const now = (options.clock ?? Date.now)();
  return { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + days * DAY_MS) };
}

function withKey(certificatePem: string, privateKey: KeyObject): CertificateWithKey {
  return {
    certificatePem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: new X509Certificate(certificatePem),
  };
}
