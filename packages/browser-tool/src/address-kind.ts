import { isIPv4, isIPv6 } from 'node:net';

/**
 * What an IP address is, as far as the browser's host rule cares:
 * - `loopback`: this machine (127.0.0.0/8, ::1);
 * - `private`: a private or shared network (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, the
 *   deprecated site-local fec0::/10, local-use NAT64 64:ff9b:1::/48);
 * - `link-local`: 169.254.0.0/16 (where cloud metadata endpoints live) and fe80::/10;
 * - `reserved`: ranges that are not on the public internet (0.0.0.0/8's neighbours, 192.0.0/24,
 *   the documentation and benchmark ranges, 240/4, Teredo, the deprecated IPv4-compatible ::/96);
 *   machines here use them (this project's CI has 192.0.2.0/24 on its own interface);
 * - `unspecified`: 0.0.0.0/8 and `::` (a connect to them reaches this machine);
 * - `multicast`: 224/4, 255.255.255.255 and ff00::/8;
 * - `public`: everything else.
 * IPv4 addresses inside IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are
 * judged by the IPv4 address they carry.
 */
export type AddressKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'reserved'
  | 'unspecified'
  | 'multicast'
  | 'public';

/** The kinds an `allowHosts` entry must name explicitly (never reached through `*`). */
export const SPECIAL_KINDS: readonly AddressKind[] = [
  'loopback',
  'private',
  'link-local',
  'reserved',
];

/** The kinds no entry opens. */
export const NEVER_KINDS: readonly AddressKind[] = ['unspecified', 'multicast'];

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function kindOfIPv4([a = 0, b = 0, c = 0, d = 0]: number[]): AddressKind {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'multicast';
  if (a >= 240) return 'reserved';
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved';
  if (a === 198 && (b === 18 || b === 19)) return 'reserved';
  if (a === 198 && b === 51 && c === 100) return 'reserved';
  if (a === 203 && b === 0 && c === 113) return 'reserved';
  if (a === 192 && b === 88 && c === 99) return 'reserved';
  return 'public';
}

/** The 16 bytes of an IPv6 address (zone id dropped), or undefined when it is not one. */
function ipv6Bytes(text: string): number[] | undefined {
  let address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(address)) return undefined;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(dotted[1]);
    address = `${address.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = address.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter(Boolean) : []);
  const left = groups(head);
  const right = groups(rest);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  if (all.length !== 8) return undefined;
  return all.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function kindOfIPv6(bytes: number[]): AddressKind {
  const zeroUntil = (end: number) => bytes.slice(0, end).every((byte) => byte === 0);
  const embedded = (start: number) => kindOfIPv4(bytes.slice(start, start + 4));
  if (zeroUntil(16)) return 'unspecified';
  if (zeroUntil(15) && bytes[15] === 1) return 'loopback';
  if (zeroUntil(10) && bytes[10] === 0xff && bytes[11] === 0xff) return embedded(12);
  if (zeroUntil(12)) return 'reserved'; // IPv4-compatible ::a.b.c.d (deprecated)
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = bytes;
  if (b0 === 0x00 && b1 === 0x64 && b2 === 0xff && b3 === 0x9b) {
    if (b4 === 0 && b5 === 1) return 'private'; // 64:ff9b:1::/48, local-use NAT64
    if (bytes.slice(4, 12).every((byte) => byte === 0)) return embedded(12); // NAT64
  }
  if (b0 === 0x20 && b1 === 0x02) return embedded(2); // 6to4
  if (b0 === 0x20 && b1 === 0x01 && b2 === 0x00 && b3 === 0x00) return 'reserved'; // Teredo
  if (b0 === 0x20 && b1 === 0x01 && b2 === 0x0d && b3 === 0xb8) return 'reserved'; // documentation
  if (b0 === 0x01 && b1 === 0x00 && bytes.slice(2, 8).every((byte) => byte === 0))
    return 'reserved'; // 100::/64, discard
  if (b0 === 0xff) return 'multicast';
  if ((b0 & 0xfe) === 0xfc) return 'private';
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return 'link-local';
  if (b0 === 0xfe && (b1 & 0xc0) === 0xc0) return 'private'; // site-local (deprecated)
  return 'public';
}

/**
 * The kind of an IP address (IPv4 dotted quad, or IPv6 with or without brackets). Undefined when
 * `address` is not an IP address. Other IPv4 spellings (`2130706433`, `0x7f.1`) are not addresses
 * here: canonicalise them first (`canonicalHost`).
 */
export function addressKind(address: string): AddressKind | undefined {
  if (isIPv4(address)) return kindOfIPv4(ipv4Bytes(address));
  const bytes = ipv6Bytes(address);
  return bytes ? kindOfIPv6(bytes) : undefined;
}

/** Whether `host` is an IP address (IPv6 with or without brackets). */
export function isAddress(host: string): boolean {
  return isIPv4(host) || ipv6Bytes(host) !== undefined;
}

/** The canonical text of an IP address, for comparing two spellings of one IPv6 address. */
export function canonicalAddress(address: string): string {
  if (isIPv4(address)) return address;
  const bytes = ipv6Bytes(address);
  if (!bytes) return address.toLowerCase();
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2)
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/**
 * The host of a URL authority as a browser would connect to it, canonicalised by the WHATWG URL
 * parser (the one Chromium applies too): `2130706433`, `0x7f.1`, `017700000001` and `127.1` all
 * become `127.0.0.1`; names are lower-cased without a trailing dot; IPv6 loses its brackets.
 * Undefined when `host` is not a valid host.
 */
export function canonicalHost(host: string): string | undefined {
  if (host === '' || /[\s/?#@\\]/.test(host)) return undefined;
  const bracketed = isIPv6(host) ? `[${host}]` : host;
  try {
    const hostname = new URL(`http://${bracketed}/`).hostname;
    if (hostname === '') return undefined;
    const bare = hostname.replace(/^\[|\]$/g, '');
    return isAddress(bare) ? bare : bare.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}
