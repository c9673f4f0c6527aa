/**
 * A minimal DER (ASN.1 Distinguished Encoding Rules) encoder: just the types an X.509 v3
 * certificate needs. Every function returns the whole encoding (tag, length, content).
 */

/** ASN.1 universal tags used here. */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Encodes a DER length: short form below 128, long form (0x80 | byte count, bytes) above. */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`A DER length must be a non-negative integer, got ${length}.`);
  }
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A tag-length-value triple with any tag byte. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** `SEQUENCE { ... }`. */
export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(items));
}

/** `SET { ... }` (DER sorts the encodings). */
export function set(...items: Buffer[]): Buffer {
  return tlv(TAG.set, Buffer.concat([...items].sort(Buffer.compare)));
}

/** `BOOLEAN` (DER: `0xff` for true). */
export function boolean(value: boolean): Buffer {
  return tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

/** `NULL`. */
export function nullValue(): Buffer {
  return tlv(TAG.null, Buffer.alloc(0));
}

/**
 * `INTEGER`, from a non-negative safe integer or the big-endian bytes of a non-negative one
 * (leading zeros trimmed, a zero byte prepended when the high bit is set).
 */
export function integer(value: number | Buffer): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`A DER integer here must be a non-negative safe integer, got ${value}.`);
    }
    const digits: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) digits.unshift(rest % 256);
    bytes = Buffer.from(digits.length === 0 ? [0] : digits);
  } else {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start += 1;
    bytes = value.length === 0 ? Buffer.from([0]) : value.subarray(start);
  }
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(TAG.integer, bytes);
}

/** `OBJECT IDENTIFIER` from its dotted form, e.g. `2.5.4.3`. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new TypeError(`Not an object identifier: ${dotted}.`);
    return Number(arc);
  });
  if (arcs.length < 2 || arcs[0]! > 2) throw new TypeError(`Not an object identifier: ${dotted}.`);
  const bytes: number[] = [];
  const encodeArc = (arc: number) => {
    const groups: number[] = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      groups.unshift((rest % 128) | 0x80);
    }
    bytes.push(...groups);
  };
  encodeArc(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) encodeArc(arc);
  return tlv(TAG.objectIdentifier, Buffer.from(bytes));
}

/** `BIT STRING` of whole bytes, or with `unusedBits` trailing bits of the last byte unused. */
export function bitString(content: Buffer, unusedBits = 0): Buffer {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7) {
    throw new RangeError(`unusedBits must be 0 to 7, got ${unusedBits}.`);
  }
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/** `OCTET STRING`. */
export function octetString(content: Buffer): Buffer {
  return tlv(TAG.octetString, content);
}

/** `UTF8String`. */
export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

/** `IA5String` (ASCII). */
export function ia5String(text: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(text)) throw new TypeError(`Not an ASCII string: ${text}.`);
  return tlv(TAG.ia5String, Buffer.from(text, 'ascii'));
}

/**
 * A certificate time as RFC 5280 wants it: `UTCTime` (`YYMMDDHHMMSSZ`) for 1950 to 2049,
 * `GeneralizedTime` (`YYYYMMDDHHMMSSZ`) otherwise. Milliseconds are dropped.
 */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.utcTime, Buffer.from(digits.slice(2), 'ascii'));
  return tlv(TAG.generalizedTime, Buffer.from(digits, 'ascii'));
}

/** `[n] EXPLICIT` (constructed context-specific tag wrapping a whole encoding). */
export function explicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0xa0 | tagNumber, content);
}

/** `[n] IMPLICIT` of a primitive value: its content bytes under a context-specific tag. */
export function implicitPrimitive(tagNumber: number, content: Buffer): Buffer {
  return tlv(0x80 | tagNumber, content);
}
