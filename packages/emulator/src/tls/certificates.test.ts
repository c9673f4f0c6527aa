import { X509Certificate } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate } from './certificate.js';
import {
  bitString,
  encodeLength,
  integer,
  objectIdentifier,
  sequence,
  set,
  time,
  utf8String,
} from './der.js';
import {
  type AuthorityTlsMaterial,
  createAuthorityTlsMaterial,
  createClientCertificate,
  generateRsaKeyPair,
} from './tls-material.js';

describe('DER encoder', () => {
  it('encodes lengths in short and long form', () => {
    expect(encodeLength(5).toString('hex')).toBe('05');
    expect(encodeLength(127).toString('hex')).toBe('7f');
    expect(encodeLength(128).toString('hex')).toBe('8180');
    expect(encodeLength(0x1234).toString('hex')).toBe('821234');
    expect(() => encodeLength(-1)).toThrow(RangeError);
  });

  it('encodes integers with a leading zero when the high bit is set', () => {
    expect(integer(0).toString('hex')).toBe('020100');
    expect(integer(127).toString('hex')).toBe('02017f');
    expect(integer(128).toString('hex')).toBe('02020080');
    expect(integer(Buffer.from([0, 0, 0x01, 0x02])).toString('hex')).toBe('02020102');
    expect(integer(Buffer.from([0xff])).toString('hex')).toBe('020200ff');
  });

  it('encodes object identifiers (RFC examples)', () => {
    expect(objectIdentifier('1.2.840.113549.1.1.11').toString('hex')).toBe(
      '06092a864886f70d01010b',
    );
    expect(objectIdentifier('2.5.4.3').toString('hex')).toBe('0603550403');
    expect(() => objectIdentifier('x.1')).toThrow(TypeError);
  });

  it('encodes times as UTCTime before 2050 and GeneralizedTime after', () => {
    expect(time(new Date('2026-12-02T07:05:09.123Z')).toString('ascii', 2)).toBe('261202070509Z');
    expect(time(new Date('2026-12-02T07:05:09Z'))[0]).toBe(0x17);
    const late = time(new Date('2051-01-01T00:00:00Z'));
    expect(late[0]).toBe(0x18);
    expect(late.toString('ascii', 2)).toBe('20510101000000Z');
  });

  it('sorts SET members and nests sequences', () => {
    const encoded = set(utf8String('b'), utf8String('a'));
    expect(encoded.toString('hex')).toBe('31060c01610c0162');
    expect(sequence(bitString(Buffer.from([0x06]), 1)).toString('hex')).toBe('3004030201' + '06');
  });
});

describe('certificates', () => {
  let material: AuthorityTlsMaterial;
  beforeAll(async () => {
    material = await createAuthorityTlsMaterial({ validDays: 2 });
  });

  it('makes a CA and a loopback server certificate that Node parses and verifies', () => {
    const ca = new X509Certificate(material.certificateAuthority.certificatePem);
    const leaf = new X509Certificate(material.server.certificatePem);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.keyUsage).toBeUndefined(); // Node reports extendedKeyUsage only; the CA has none.
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('10.0.0.1')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.subjectAltName).toBe(
      'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost',
    );
    const validTo = new Date(leaf.validTo).getTime();
    expect(validTo).toBeGreaterThan(Date.now() + 47 * 3_600_000);
    expect(validTo).toBeLessThan(Date.now() + 49 * 3_600_000);
    expect(new Date(leaf.validFrom).getTime()).toBeLessThan(Date.now() - 3_500_000);
  });

  it('makes a self-signed client certificate for an application', async () => {
    const client = await createClientCertificate('my-app');
    expect(client.certificate.subject).toBe('CN=my-app');
    expect(client.certificate.verify(client.certificate.publicKey)).toBe(true);
    expect(client.certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(client.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(client.certificate.checkIssued(material.certificateAuthority.certificate)).toBe(false);
  });

  it('refuses a validity that ends before it starts', async () => {
    const { publicKey, privateKey } = await generateRsaKeyPair();
    expect(() =>
      buildCertificate({
        commonName: 'x',
        publicKey,
        signer: { commonName: 'x', privateKey },
        notBefore: new Date(2),
        notAfter: new Date(1),
        keyUsage: ['digitalSignature'],
      }),
    ).toThrow(/notAfter/);
    await expect(createClientCertificate('x', { validDays: 0 })).rejects.toThrow(RangeError);
  });

  it('serves https that a client trusts with `ca` set, and refuses without it', async () => {
    const server = createServer(
      { key: material.server.privateKeyPem, cert: material.server.certificatePem },
      (_request, response) => response.end('hello over tls'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (ca?: string) =>
      new Promise<string>((resolve, reject) => {
        const outgoing = request(
          { host: '127.0.0.1', port, path: '/', ...(ca === undefined ? {} : { ca }) },
          (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('end', () => resolve(text));
          },
        );
        outgoing.on('error', reject);
        outgoing.end();
      });
    try {
      await expect(get(material.certificateAuthority.certificatePem)).resolves.toBe(
        'hello over tls',
      );
      await expect(get()).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
