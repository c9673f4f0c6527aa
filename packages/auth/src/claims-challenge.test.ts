import { describe, expect, it } from 'vitest';
import { parseClaimsChallenge } from './claims-challenge.js';

// The header shapes of Microsoft's claims-challenge documentation
// (https://learn.microsoft.com/entra/identity-platform/claims-challenge) and of Continuous Access
// Evaluation for workload identities: a revocation (nbf) and a Conditional Access
// authentication context (acrs).
const REVOKED = '{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}';
const ACRS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('parseClaimsChallenge', () => {
  it('the documented CAE header: the decoded claims', () => {
    expect(
      parseClaimsChallenge(
        `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${b64(REVOKED)}"`,
      ),
    ).toBe(REVOKED);
  });

  it('the documented base64 value as written there', () => {
    expect(
      parseClaimsChallenge(
        'Bearer authorization_uri="https://login.windows.net/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0="',
      ),
    ).toBe(REVOKED);
  });

  it('several challenges in one header: the Bearer one with insufficient_claims', () => {
    expect(
      parseClaimsChallenge(
        `PoP realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", nonce="abc", Bearer realm="", error="insufficient_claims", claims="${b64(ACRS)}"`,
      ),
    ).toBe(ACRS);
    expect(
      parseClaimsChallenge(
        `Bearer realm="", error="invalid_token", Bearer realm="", error="insufficient_claims", claims="${b64(REVOKED)}"`,
      ),
    ).toBe(REVOKED);
  });

  it('tolerates case, bare values, spaces around =, base64url without padding, commas in quotes', () => {
    expect(
      parseClaimsChallenge(
        `bearer Realm = "a, b", ERROR = insufficient_claims ,  Claims = ${b64url(REVOKED)}`,
      ),
    ).toBe(REVOKED);
    expect(
      parseClaimsChallenge(
        `Bearer error="insufficient_claims", claims="${b64(ACRS).replace(/=+$/, '')}"`,
      ),
    ).toBe(ACRS);
  });

  it('undefined without a claims challenge', () => {
    for (const header of [
      undefined,
      null,
      '',
      'Bearer',
      'Bearer error="invalid_token", error_description="The access token has been revoked"',
      `Bearer error="invalid_token", claims="${b64(REVOKED)}"`,
      `Basic realm="x", error="insufficient_claims", claims="${b64(REVOKED)}"`,
      'Bearer error="insufficient_claims", claims="bm90IGpzb24="',
      `Bearer error="insufficient_claims", claims="${b64('[1,2]')}"`,
      'Bearer error="insufficient_claims"',
    ]) {
      expect(parseClaimsChallenge(header), String(header)).toBeUndefined();
    }
  });
});
