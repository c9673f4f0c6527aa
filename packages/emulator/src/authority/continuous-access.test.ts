import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { authorityEnvironment, runWithIdentity } from '../../test/identity-child.js';
import { useEmulator } from '../testing/use-emulator.js';

// Continuous Access Evaluation with the real @azure/identity and openai: a revoked token gets a
// claims challenge; getToken with those claims gets a fresh token that the endpoint accepts.
const emulator = useEmulator({ script: () => 'still here' });
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Waits until a file exists (the child and this test hand over through marker files). */
async function waitForFile(path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`No ${path} after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('a revoked token gets an insufficient_claims challenge; a token for its claims is accepted', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cae-test-'));
  folders.push(folder);
  const child = runWithIdentity(
    `const { existsSync, writeFileSync } = await import('node:fs');
     const wait = async (path) => { while (!existsSync(path)) await new Promise((r) => setTimeout(r, 50)); };
     const credential = new identity.ClientSecretCredential(
       process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.SECRET, options);
     const first = await ask(credential);
     writeFileSync(process.env.ASKED, '');
     await wait(process.env.REVOKED);
     let challenge;
     try {
       await ask(credential);
     } catch (error) {
       challenge = failure(error);
     }
     const encoded = /claims="([^"]+)"/.exec(challenge?.wwwAuthenticate ?? '')?.[1];
     const claims = Buffer.from(encoded ?? '', 'base64').toString('utf8');
     const before = (await credential.getToken(scope, { enableCae: true })).token;
     const fresh = await credential.getToken(scope, { claims, enableCae: true });
     const reply = await client(async () => fresh.token).chat.completions.create({
       model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] });
     return { first, challenge, claims, sameAsCached: before === fresh.token,
       freshClaims: JSON.parse(Buffer.from(fresh.token.split('.')[1], 'base64url')),
       again: reply.choices[0].message.content };`,
    authorityEnvironment(emulator.emulator, {
      SECRET: emulator.application.secret,
      ASKED: join(folder, 'asked'),
      REVOKED: join(folder, 'revoked'),
    }),
  );
  await Promise.race([waitForFile(join(folder, 'asked')), child]);
  const revoked = emulator.revokeIssuedTokens();
  const revokedAt = Math.floor(Date.now() / 1000);
  writeFileSync(join(folder, 'revoked'), '');
  const { run, output } = await child;

  expect(run.refused).toEqual([]);
  expect(revoked).toBe(1);
  expect(output['first']).toBe('still here');
  const challenge = output['challenge'] as { status: number; wwwAuthenticate: string };
  expect(challenge.status).toBe(401);
  expect(challenge.wwwAuthenticate).toMatch(
    /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize", error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$/,
  );
  const claims = JSON.parse(output['claims'] as string) as {
    access_token: { nbf: { essential: boolean; value: string } };
  };
  expect(claims.access_token.nbf.essential).toBe(true);
  expect(Number(claims.access_token.nbf.value)).toBeGreaterThanOrEqual(revokedAt - 1);
  expect(Number(claims.access_token.nbf.value)).toBeLessThanOrEqual(revokedAt);
  expect(output['sameAsCached']).toBe(false);
  const freshClaims = output['freshClaims'] as { nbf: number; iat: number; xms_cc: string[] };
  expect(freshClaims.nbf).toBeGreaterThanOrEqual(Number(claims.access_token.nbf.value));
  expect(freshClaims.iat).toBeGreaterThanOrEqual(Number(claims.access_token.nbf.value));
  expect(freshClaims.xms_cc).toEqual(['cp1']);
  expect(output['again']).toBe('still here');

  const modelCalls = emulator.requests.ofKind('azure-openai');
  expect(modelCalls.map((request) => request.status)).toEqual([200, 401, 200]);
  expect(modelCalls[1]!.auth.reason).toBe('token revoked');
  const tokenRequests = emulator.requests
    .ofKind('authority')
    .filter((entry) => entry.method === 'POST');
  // getBearerTokenProvider asks with enableCae: MSAL sends claims {"access_token":{"xms_cc":{"values":["cp1"]}}}.
  expect(
    tokenRequests.map(({ authority }) => [
      authority?.claimsChallenge,
      authority?.clientCapabilities,
    ]),
  ).toEqual([
    [false, ['cp1']],
    [true, ['cp1']],
  ]);
});

it('an expired token keeps the plain invalid_token challenge, without claims', async () => {
  const expired = emulator.issueToken({
    audience: 'https://cognitiveservices.azure.com',
    lifetimeSeconds: -60,
  });
  const response = await fetch(
    `${emulator.urls.azureOpenAI}/openai/deployments/gpt-4o/chat/completions?api-version=${emulator.apiVersion}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${expired.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    },
  );
  expect(response.status).toBe(401);
  const header = response.headers.get('www-authenticate') ?? '';
  expect(header).toBe('Bearer error="invalid_token", error_description="token expired"');
  expect(header).not.toContain('claims=');
});
