import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../emulator-options.js';
import { startEmulator } from '../start-emulator.js';
import { registerApplications } from './applications.js';
import { claimsChallengeHeader, parseClaimsRequest, revocationClaims } from './claims-challenge.js';
import { DEFAULT_APPLICATION_ID } from './start-authority.js';

describe('authority options', () => {
  it.each([
    [
      'authorityPort out of range',
      { authorityPort: 70_000 },
      RangeError,
      /authorityPort must be an integer from 0 to 65535/,
    ],
    [
      'applications not an array',
      { applications: {} as never },
      TypeError,
      /applications must be an array/,
    ],
    [
      'an application without clientId',
      { applications: [{ secret: 's' } as never] },
      TypeError,
      /applications\[0\]\.clientId must be a non-empty string/,
    ],
    [
      'an application without credential',
      { applications: [{ clientId: 'a' }] },
      TypeError,
      /applications\[0\] \(a\) has no credential: give it a secret, a certificatePem or federatedCredentials/,
    ],
    [
      'a bad certificate',
      { applications: [{ clientId: 'a', certificatePem: 'nope' }] },
      TypeError,
      /certificatePem must hold a PEM certificate/,
    ],
    [
      'a federated credential without issuer',
      { applications: [{ clientId: 'a', federatedCredentials: [{} as never] }] },
      TypeError,
      /federatedCredentials\[0\]\.issuer must be a non-empty string/,
    ],
    [
      'empty audiences',
      { applications: [{ clientId: 'a', federatedCredentials: [{ issuer: 'i', audiences: [] }] }] },
      TypeError,
      /audiences must be a non-empty array/,
    ],
    [
      'a duplicate application',
      {
        applications: [
          { clientId: 'a', secret: 'x' },
          { clientId: 'A', secret: 'y' },
        ],
      },
      TypeError,
      /registered twice/,
    ],
    [
      'tenants with a slash',
      { tenants: ['a/b'] },
      TypeError,
      /tenants must be an array of tenant ids/,
    ],
  ] as const)('refuses %s', async (_case, options, type, message) => {
    const started = startEmulator(options as EmulatorOptions);
    await expect(started).rejects.toThrow(type);
    await expect(started).rejects.toThrow(message);
  });

  it('keeps DEFAULT_APPLICATION_ID for the default application', async () => {
    await expect(
      startEmulator({ applications: [{ clientId: DEFAULT_APPLICATION_ID, secret: 'mine' }] }),
    ).rejects.toThrow(
      /applications\[0\]\.clientId is DEFAULT_APPLICATION_ID .* give your application another client id/,
    );
    expect(registerApplications([{ clientId: 'b', secret: 'x' }], 't')).toMatchObject([
      { clientId: 'b', tenantId: 't', secret: 'x', federatedCredentials: [] },
    ]);
  });
});

describe('claims challenges', () => {
  it('encodes the revocation time as an essential nbf claim, in the header Azure sends', () => {
    expect(revocationClaims(1_700_000_000)).toBe(
      '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}',
    );
    const header = claimsChallengeHeader(1_700_000_000);
    const encoded = /claims="([^"]+)"/.exec(header)?.[1] ?? '';
    expect(Buffer.from(encoded, 'base64').toString()).toBe(revocationClaims(1_700_000_000));
    expect(header).toContain('error="insufficient_claims"');
  });

  it('reads nbf and client capabilities from a claims parameter', () => {
    expect(parseClaimsRequest(revocationClaims(42))).toEqual({ notBefore: 42, challenge: true });
    expect(parseClaimsRequest('{"access_token":{"xms_cc":{"values":["cp1"]}}}')).toEqual({
      clientCapabilities: ['cp1'],
      challenge: false,
    });
    expect(parseClaimsRequest('not json')).toBeUndefined();
    expect(parseClaimsRequest('[]')).toBeUndefined();
  });
});
