import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  ia5String,
  implicitPrimitive,
  integer,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  utf8String,
} from './der.js';

const OID = {
  commonName: '2.5.4.3',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** Bits of the X.509 `keyUsage` extension (RFC 5280 4.2.1.3). */
export type KeyUsage = 'digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';

const KEY_USAGE_BIT: Record<KeyUsage, number> = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
};

/** Who signs a certificate: its name and key, and its key identifier when it is a CA. */
export interface CertificateSigner {
  commonName: string;
  privateKey: KeyObject;
  /** The signer's subject key identifier, repeated as the authority key identifier. */
  keyIdentifier?: Buffer;
}

/** What to put in a certificate. */
export interface CertificateSpecification {
  /** The subject's common name (`CN`). */
  commonName: string;
  /** The subject's public key (RSA). */
  publicKey: KeyObject;
  /** Who signs it; the subject itself (self-signed) when omitted, with `privateKey` given. */
  signer: CertificateSigner;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate: `basicConstraints CA:TRUE` (critical). */
  certificateAuthority?: boolean;
  keyUsage: readonly KeyUsage[];
  /** `serverAuth`, `clientAuth`, or neither. */
  extendedKeyUsage?: readonly ('serverAuth' | 'clientAuth')[];
  /** DNS names and IP addresses for `subjectAltName`. */
  subjectAltNames?: readonly string[];
}

/** A built certificate. */
export interface BuiltCertificate {
  der: Buffer;
  pem: string;
  /** The subject key identifier (SHA-1 of the public key's DER), for certificates it signs. */
  keyIdentifier: Buffer;
}

/** Builds and signs an X.509 v3 certificate (sha256WithRSAEncryption). */
export function buildCertificate(specification: CertificateSpecification): BuiltCertificate {
  if (!(specification.notAfter.getTime() > specification.notBefore.getTime())) {
    throw new RangeError('A certificate must end (notAfter) after it starts (notBefore).');
  }
  const subjectPublicKeyInfo = specification.publicKey.export({ type: 'spki', format: 'der' });
  const keyIdentifier = createHash('sha1').update(subjectPublicKeyInfo).digest();
  const signatureAlgorithm = sequence(objectIdentifier(OID.sha256WithRsaEncryption), nullValue());
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const extensions = [
    extension(
      OID.basicConstraints,
      specification.certificateAuthority === true ? sequence(boolean(true)) : sequence(),
      true,
    ),
    extension(OID.keyUsage, keyUsageBits(specification.keyUsage), true),
    extension(OID.subjectKeyIdentifier, octetString(keyIdentifier)),
  ];
  if (specification.signer.keyIdentifier !== undefined) {
    extensions.push(
      extension(
        OID.authorityKeyIdentifier,
        sequence(implicitPrimitive(0, specification.signer.keyIdentifier)),
      ),
    );
  }
  if (specification.subjectAltNames !== undefined && specification.subjectAltNames.length > 0) {
    extensions.push(
      extension(OID.subjectAltName, sequence(...specification.subjectAltNames.map(generalName))),
    );
  }
  if (specification.extendedKeyUsage !== undefined && specification.extendedKeyUsage.length > 0) {
    extensions.push(
      extension(
        OID.extendedKeyUsage,
        sequence(...specification.extendedKeyUsage.map((usage) => objectIdentifier(OID[usage]))),
      ),
    );
  }
  const toBeSigned = sequence(
    explicit(0, integer(2)),
    integer(serial),
    signatureAlgorithm,
    name(specification.signer.commonName),
    sequence(time(specification.notBefore), time(specification.notAfter)),
    name(specification.commonName),
    subjectPublicKeyInfo,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', toBeSigned, specification.signer.privateKey);
  const der = sequence(toBeSigned, signatureAlgorithm, bitString(signature));
  return { der, pem: toPem(der, 'CERTIFICATE'), keyIdentifier };
}

/** Wraps DER bytes in PEM armour with 64-character lines. */
export function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))));
}

function extension(oid: string, value: Buffer, critical = false): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

function keyUsageBits(usages: readonly KeyUsage[]): Buffer {
  if (usages.length === 0) throw new RangeError('A certificate needs at least one key usage.');
  let bits = 0;
  let highest = 0;
  for (const usage of usages) {
    const bit = KEY_USAGE_BIT[usage];
    bits |= 0x80 >> bit;
    highest = Math.max(highest, bit);
  }
  // DER drops trailing zero bits: the unused bits are those after the last usage set.
  return bitString(Buffer.from([bits]), 7 - highest);
}

function generalName(value: string): Buffer {
  const family = isIP(value);
  if (family === 4) return implicitPrimitive(7, Buffer.from(value.split('.').map(Number)));
  if (family === 6) return implicitPrimitive(7, ipv6Bytes(value));
  ia5String(value);
  return implicitPrimitive(2, Buffer.from(value, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.includes('::') ? address.split('::') : [address, ''];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  for (const [index, group] of groups.entries()) {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  }
  return bytes;
}
