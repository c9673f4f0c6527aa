import { describe, expect, it } from 'vitest';
import { jwtExpiresOn, readJwtClaims } from './jwt-claims.js';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown) => `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2ln`;

describe('readJwtClaims and jwtExpiresOn', () => {
  it('reads the payload of a JWT without checking it', () => {
    const token = jwt({ aud: 'https://cognitiveservices.azure.com', exp: 1_700_000_000, tid: 't' });
    expect(readJwtClaims(token)).toEqual({
      aud: 'https://cognitiveservices.azure.com',
      exp: 1_700_000_000,
      tid: 't',
    });
    expect(jwtExpiresOn(token)).toBe(1_700_000_000_000);
  });

  it('undefined for what is not a JWT, or has no numeric expiry', () => {
    for (const opaque of ['sk-abc', 'a.b', 'a.%%%.c', `x.${part([1, 2])}.y`, `x.${part(7)}.y`, ''])
      expect(readJwtClaims(opaque)).toBeUndefined();
    expect(jwtExpiresOn('opaque-token')).toBeUndefined();
    expect(jwtExpiresOn(jwt({ exp: '1700000000' }))).toBeUndefined();
    expect(jwtExpiresOn(jwt({ aud: 'x' }))).toBeUndefined();
  });
});
