import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runNode } from '@bots/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../testing/use-emulator.js';

// The real AzureCliCredential and AzureDeveloperCliCredential, each in a fresh Node process whose
// PATH has the stand-ins first: @azure/identity runs `az`/`azd` through /bin/sh from /bin.
const packageDirectory = fileURLToPath(new URL('../..', import.meta.url));
const emulator = useEmulator();
afterEach(() => {
  emulator.setCliLogin({ az: true, azd: true });
  emulator.setScript(undefined);
  emulator.requests.clear();
});

const COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** Code for a child: `credential` is built by `make`, then `body` runs; prints `result` as JSON. */
function childCode(make: string, body: string): string {
  return `
import { AzureCliCredential, AzureDeveloperCliCredential, DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import { AzureOpenAI } from 'openai';
const credential = ${make};
let result;
try {
  ${body}
} catch (error) {
  result = { error: { name: error.name, message: error.message } };
}
console.log(JSON.stringify(result));
`;
}

async function inChild(
  make: string,
  body: string,
  extraEnv: Record<string, string> = {},
): Promise<Record<string, any>> {
  const { env } = emulator.writeCliStandIns();
  const run = await runNode(childCode(make, body), {
    cwd: packageDirectory,
    env: { PATH: env.PATH, ...extraEnv },
  });
  expect(run.refused).toEqual([]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

const chatThroughModelEndpoint = `
const client = new AzureOpenAI({
  azureADTokenProvider: getBearerTokenProvider(credential, '${COGNITIVE_SCOPE}'),
  endpoint: process.argv.at(-1),
  apiVersion: '2024-10-21',
  deployment: 'gpt-4o-mini',
});
`;

describe.each([
  ['az', 'new AzureCliCredential()', 'azure-cli'],
  ['azd', 'new AzureDeveloperCliCredential()', 'azure-developer-cli'],
] as const)('the %s stand-in', (tool, make, source) => {
  it('gives the real credential a token that the Azure OpenAI endpoint accepts', async () => {
    emulator.setScript([`hello through ${tool}`]);
    const before = emulator.tokenRequestCount;
    const result = await inChild(
      make,
      `${chatThroughModelEndpoint.replace('process.argv.at(-1)', JSON.stringify(emulator.urls.azureOpenAI))}
const completion = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello' }],
});
const token = await credential.getToken('${COGNITIVE_SCOPE}');
result = { reply: completion.choices[0].message.content, token };`,
    );
    expect(result['error']).toBeUndefined();
    expect(result['reply']).toBe(`hello through ${tool}`);
    expect(emulator.verifyToken(result['token'].token)).toMatchObject({
      valid: true,
      claims: { aud: 'https://cognitiveservices.azure.com' },
    });
    expect(result['token'].expiresOnTimestamp).toBe(
      emulator.verifyToken(result['token'].token).claims!.exp! * 1000,
    );

    const identity = emulator.requests.ofKind('identity');
    expect(identity.length).toBeGreaterThanOrEqual(2); // no cache: every getToken runs the tool
    expect(emulator.tokenRequestCount - before).toBe(identity.length);
    for (const entry of identity) {
      expect(entry).toMatchObject({
        method: 'POST',
        path: '/cli/token',
        source,
        status: 200,
        auth: { scheme: 'identity-header', accepted: true },
        issuedToken: { audience: 'https://cognitiveservices.azure.com' },
      });
    }
    const model = emulator.requests.last('azure-openai');
    expect(model).toMatchObject({ status: 200, auth: { scheme: 'bearer', accepted: true } });
    expect(identity.map((entry) => entry.issuedToken?.tokenId)).toContain(model?.auth.tokenId);
    expect(JSON.stringify(emulator.requests.all())).not.toContain(result['token'].token);
  });

  it('signed out, makes the credential throw CredentialUnavailableError as the real tool does', async () => {
    emulator.setCliLogin({ [tool]: false });
    const result = await inChild(make, `result = await credential.getToken('${COGNITIVE_SCOPE}');`);
    expect(result['error']?.name).toBe('CredentialUnavailableError');
    expect(result['error']?.message).toContain(
      tool === 'az'
        ? "Please run 'az login' from a command prompt to authenticate before using this credential."
        : "Please run 'azd auth login' from a command prompt to authenticate before using this credential.",
    );
    expect(emulator.requests.last('identity')).toMatchObject({
      source,
      status: 401,
      auth: { accepted: false, reason: `${tool} signed out` },
    });
    expect(emulator.requests.last('identity')?.issuedToken).toBeUndefined();
  });
});

describe('what @azure/identity passes on', () => {
  it('az gets the subscription (quoted through /bin/sh) and the tenant of the credential', async () => {
    const tenantId = '11111111-2222-4333-8444-555555555555';
    const result = await inChild(
      'undefined',
      `const bySubscription = await new AzureCliCredential({ subscription: 'My Sub' }).getToken('${COGNITIVE_SCOPE}');
const byTenant = await new AzureCliCredential({ tenantId: '${tenantId}' }).getToken('${COGNITIVE_SCOPE}');
result = { ok: Boolean(bySubscription.token && byTenant.token) };`,
    );
    expect(result).toEqual({ ok: true });
    const [subscription, tenant] = emulator.requests.ofKind('identity');
    expect(subscription?.body).toEqual({
      tool: 'az',
      command: 'az account get-access-token',
      audience: 'https://cognitiveservices.azure.com',
      subscription: 'My Sub',
    });
    expect(tenant?.body).toMatchObject({ tenant: tenantId });
  });

  it('DefaultAzureCredential (AZURE_TOKEN_CREDENTIALS=dev) moves on from a signed-out az to azd', async () => {
    emulator.setCliLogin({ az: false });
    const result = await inChild(
      'new DefaultAzureCredential()',
      `const token = await credential.getToken('${COGNITIVE_SCOPE}');
result = { token: token.token };`,
      { AZURE_TOKEN_CREDENTIALS: 'dev' },
    );
    expect(emulator.verifyToken(result['token']).valid).toBe(true);
    expect(
      emulator.requests.ofKind('identity').map((entry) => [entry.source, entry.status]),
    ).toEqual([
      ['azure-cli', 401],
      ['azure-developer-cli', 200],
    ]);
  });
});

describe('claims challenges', () => {
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';

  it('azd gets a fresh token for every call with claims, and receives the claims', async () => {
    const result = await inChild(
      'new AzureDeveloperCliCredential()',
      `const first = await credential.getToken('${COGNITIVE_SCOPE}', { claims: ${JSON.stringify(claims)} });
const second = await credential.getToken('${COGNITIVE_SCOPE}', { claims: ${JSON.stringify(claims)} });
result = { first: first.token, second: second.token };`,
    );
    expect(result['first']).not.toBe(result['second']);
    const entries = emulator.requests.ofKind('identity');
    expect(entries).toHaveLength(2);
    expect(entries[0]?.body).toMatchObject({
      tool: 'azd',
      command: 'azd auth token',
      scopes: [COGNITIVE_SCOPE],
      claims,
    });
  });

  it('az: @azure/identity throws without running az, naming the az login command to run', async () => {
    const before = emulator.tokenRequestCount;
    const result = await inChild(
      'new AzureCliCredential()',
      `result = await credential.getToken('${COGNITIVE_SCOPE}', { claims: ${JSON.stringify(claims)} });`,
    );
    expect(result['error']?.name).toBe('CredentialUnavailableError');
    expect(result['error']?.message).toContain("This credential doesn't support claims challenges");
    expect(result['error']?.message).toContain('az login --claims-challenge');
    expect(emulator.tokenRequestCount).toBe(before);
    expect(emulator.requests.ofKind('identity')).toEqual([]);
  });
});

describe('the folder', () => {
  it('is removed on close; stand-ins in a folder of yours are removed, the folder kept', async () => {
    const { startEmulator } = await import('../start-emulator.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const own = mkdtempSync(join(tmpdir(), 'cli-stand-ins-test-'));
    const other = await startEmulator();
    try {
      const temporary = other.writeCliStandIns();
      const mine = other.writeCliStandIns(own);
      expect(mine.folder).toBe(own);
      expect(mine.env.PATH.split(':')[0]).toBe(own);
      for (const file of ['az', 'azd']) {
        expect(existsSync(join(temporary.folder, file))).toBe(true);
        expect(existsSync(join(own, file))).toBe(true);
      }
      await other.close();
      expect(existsSync(temporary.folder)).toBe(false);
      expect(existsSync(join(own, 'az'))).toBe(false);
      expect(existsSync(own)).toBe(true);
    } finally {
      await other.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
