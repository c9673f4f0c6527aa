import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@bots/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real @azure/identity credentials, each case in a fresh Node (msal-node pins its
// managed-identity source and cache per process): a ManagedIdentityCredential on the IMDS shape
// (AZURE_POD_IDENTITY_AUTHORITY_HOST at a loopback server of this test) and the real
// AzureDeveloperCliCredential running a fake `azd` first on PATH.

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const AZD_TOKEN = 'azd-token-for-the-chain-0123456789';

interface ImdsRequest {
  query: URLSearchParams;
  metadata: string | undefined;
}

let imds: Server;
let imdsUrl: string;
let imdsAnswer: 'no-identity' | 'token' = 'no-identity';
const imdsRequests: ImdsRequest[] = [];
let bin: string;

beforeAll(async () => {
  imds = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    imdsRequests.push({ query: url.searchParams, metadata: request.headers.metadata as string });
    response.setHeader('content-type', 'application/json');
    if (imdsAnswer === 'no-identity') {
      response.writeHead(400);
      response.end(
        JSON.stringify({ error: 'invalid_request', error_description: 'Identity not found' }),
      );
      return;
    }
    response.end(
      JSON.stringify({
        access_token: 'imds-token-0123456789',
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
      }),
    );
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
  bin = mkdtempSync(join(tmpdir(), 'auth-chain-bin-'));
  const azd = join(bin, 'azd');
  writeFileSync(
    azd,
    `#!/bin/sh
echo "$@" >> "${bin}/azd-calls"
if [ -n "$FAKE_AZD_LOGGED_OUT" ]; then echo 'ERROR: not logged in, run \`azd auth login\` to login' >&2; exit 1; fi
if [ -n "$FAKE_AZD_FRESH" ]; then printf '{"token":"azd-fresh-%s","expiresOn":"2099-01-01T00:00:00Z"}' "$(date +%s%N)"; echo; exit 0; fi
echo '{"token":"${AZD_TOKEN}","expiresOn":"2099-01-01T00:00:00Z"}'
`,
  );
  chmodSync(azd, 0o755);
  const az = join(bin, 'az');
  writeFileSync(
    az,
    `#!/bin/sh
echo "$@" >> "${bin}/az-calls"
echo '{"accessToken":"az-token-0123456789","expires_on":4070908800}'
`,
  );
  chmodSync(az, 0o755);
});

afterAll(async () => {
  await new Promise((resolve) => imds.close(resolve));
  rmSync(bin, { recursive: true, force: true });
});

const script = (env: string) => `
  import { tokenProviderFromEnv } from '@bots/auth';
  const provider = await tokenProviderFromEnv({ env: ${env} });
  try {
    const token = await provider();
    console.log(JSON.stringify({ token }));
  } catch (error) {
    console.log(JSON.stringify({ name: error.name, kind: error.kind, message: error.message }));
  }
`;

function azdCalls(): string[] {
  const file = join(bin, 'azd-calls');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

function run(env: Record<string, string>, code = script('process.env')) {
  return runNode(code, {
    cwd: PACKAGE,
    env: { PATH: `${bin}:${process.env.PATH}`, AZURE_POD_IDENTITY_AUTHORITY_HOST: imdsUrl, ...env },
  });
}

describe('AZURE_AUTH_METHOD=managed_identity,azure_developer_cli with the real credentials', () => {
  it('no managed identity here (IMDS: "Identity not found"): the chain moves on to azd, whose token it gives', async () => {
    imdsAnswer = 'no-identity';
    const before = imdsRequests.length;
    const result = await run({ AZURE_AUTH_METHOD: ' Managed_Identity , azure_developer_cli ' });
    expect(result.refused).toEqual([]);
    expect(JSON.parse(result.stdout.trim())).toEqual({ token: AZD_TOKEN });
    // The managed identity was really tried first, on the IMDS shape.
    expect(imdsRequests.length).toBeGreaterThan(before);
    expect(imdsRequests.at(-1)?.metadata).toBe('true');
    expect(azdCalls().at(-1)).toMatch(
      /^auth token --output json --no-prompt --scope https:\/\/cognitiveservices.azure.com\/.default/,
    );
  });

  it('all fail: the error lists each step, in order, with its own reason', async () => {
    imdsAnswer = 'no-identity';
    const result = await run({
      AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli',
      FAKE_AZD_LOGGED_OUT: '1',
    });
    expect(result.refused).toEqual([]);
    const error = JSON.parse(result.stdout.trim()) as { name: string; message: string };
    expect(error.name).toBe('AuthenticationError');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(
      'The managed_identity,azure_developer_cli credential failed to get a token: every step of the chain failed, in order:',
    );
    expect(lines[1]).toMatch(
      /^1\. managed_identity \(ManagedIdentityCredential\): ManagedIdentityCredential: .*Identity not found/,
    );
    expect(lines[2]).toMatch(
      /^2\. azure_developer_cli \(AzureDeveloperCliCredential\): Please run 'azd auth login'/,
    );
  });

  it('the managed identity answers: its token, and azd is never run', async () => {
    imdsAnswer = 'token';
    const azdBefore = azdCalls().length;
    const result = await run({ AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli' });
    expect(result.refused).toEqual([]);
    expect(JSON.parse(result.stdout.trim())).toEqual({ token: 'imds-token-0123456789' });
    expect(azdCalls().length).toBe(azdBefore);
  });
});

describe('a user-assigned managed identity by any id, with the real ManagedIdentityCredential', () => {
  it.each([
    ['AZURE_CLIENT_ID', 'client_id', '00000000-0000-0000-0000-00000000c11e'],
    [
      'AZURE_AUTH_IDENTITY_RESOURCE_ID',
      'msi_res_id',
      '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bot',
    ],
    ['AZURE_AUTH_IDENTITY_OBJECT_ID', 'object_id', '00000000-0000-0000-0000-0000000000b1'],
  ])('%s reaches IMDS as %s', async (variable, parameter, value) => {
    imdsAnswer = 'token';
    const before = imdsRequests.length;
    const result = await run({ AZURE_AUTH_METHOD: 'managed_identity', [variable]: value });
    expect(result.refused).toEqual([]);
    expect(JSON.parse(result.stdout.trim())).toEqual({ token: 'imds-token-0123456789' });
    const sent = imdsRequests.slice(before).at(-1)?.query;
    expect(sent?.get(parameter)).toBe(value);
    for (const other of ['client_id', 'msi_res_id', 'object_id'].filter((p) => p !== parameter)) {
      expect(sent?.has(other)).toBe(false);
    }
  });

  it('two ids at once: a ConfigurationError naming both, before any request', async () => {
    const before = imdsRequests.length;
    const result = await run({
      AZURE_AUTH_METHOD: 'managed_identity',
      AZURE_CLIENT_ID: 'c',
      AZURE_AUTH_IDENTITY_OBJECT_ID: 'o',
    });
    expect(result.stderr).toContain(
      'ConfigurationError: AZURE_CLIENT_ID and AZURE_AUTH_IDENTITY_OBJECT_ID are set, but a user-assigned managed identity is picked by one id',
    );
    expect(imdsRequests.length).toBe(before);
  });
});

describe('claims with the real CLI credentials: azd honours them, az rejects them', () => {
  const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
  const code = `
    import { tokenProviderFromEnv } from '@bots/auth';
    const provider = await tokenProviderFromEnv({ env: process.env });
    const first = await provider();
    provider.invalidate({ claims: ${JSON.stringify(CLAIMS)} });
    try {
      console.log(JSON.stringify({ first, second: await provider() }));
    } catch (error) {
      console.log(JSON.stringify({ first, name: error.name, message: error.message }));
    }
  `;

  it('azure_developer_cli: azd gets --claims <base64>, and its fresh token is taken', async () => {
    const result = await run(
      { AZURE_AUTH_METHOD: 'azure_developer_cli', FAKE_AZD_FRESH: '1' },
      code,
    );
    expect(result.refused).toEqual([]);
    const answer = JSON.parse(result.stdout.trim()) as { first: string; second: string };
    expect(answer.second).toMatch(/^azd-fresh-/);
    expect(answer.second).not.toBe(answer.first);
    expect(azdCalls().at(-1)).toContain(`--claims ${Buffer.from(CLAIMS).toString('base64')}`);
  });

  it('azure_cli: @azure/identity refuses without running az, asking for az login --claims-challenge', async () => {
    const result = await run({ AZURE_AUTH_METHOD: 'azure_cli' }, code);
    expect(result.refused).toEqual([]);
    const answer = JSON.parse(result.stdout.trim()) as { name: string; message: string };
    expect(answer.name).toBe('AuthenticationError');
    expect(answer.message).toContain(
      `az login --claims-challenge ${Buffer.from(CLAIMS).toString('base64')} --scope https://cognitiveservices.azure.com/.default`,
    );
    const calls = readFileSync(join(bin, 'az-calls'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(1);
  });
});
