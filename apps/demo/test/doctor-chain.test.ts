import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { cleanEnv, runCli } from './helpers.js';

// `bots doctor` (the built CLI, a child process) with a chain and with a user-assigned managed
// identity, the real @azure/identity credentials: ManagedIdentityCredential on the IMDS shape
// (AZURE_POD_IDENTITY_AUTHORITY_HOST at a loopback server of this test) and
// AzureDeveloperCliCredential running a fake `azd` on PATH.

const SCOPE_LINE = /got a token for scope https:\/\/cognitiveservices\.azure\.com\/\.default/;
const RESOURCE_ID =
  '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bot';

let imds: Server;
let imdsUrl: string;
let imdsAnswer: 'no-identity' | 'token' = 'no-identity';
const imdsQueries: URLSearchParams[] = [];

function jwt(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.signature`;
}
const expiry = Math.floor(Date.now() / 1000) + 3600;
const TOKEN = jwt({ aud: 'https://cognitiveservices.azure.com', exp: expiry, oid: 'o-1' });

beforeAll(async () => {
  imds = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    imdsQueries.push(url.searchParams);
    response.setHeader('content-type', 'application/json');
    if (imdsAnswer === 'no-identity') {
      response.writeHead(400);
      response.end(
        JSON.stringify({ error: 'invalid_request', error_description: 'Identity not found' }),
      );
      return;
    }
    response.end(JSON.stringify({ access_token: TOKEN, expires_on: String(expiry) }));
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => imds.close(resolve));
});

/** A PATH with `sh` and an `azd` that prints a token. */
function azdPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'bots-doctor-chain-'));
  onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  writeFileSync(
    join(bin, 'azd'),
    `#!/bin/sh\necho '{"token":"${TOKEN}","expiresOn":"${new Date(expiry * 1000).toISOString()}"}'\n`,
  );
  chmodSync(join(bin, 'azd'), 0o755);
  return bin;
}

describe('bots doctor: chains and user-assigned identities', () => {
  test('managed_identity,azure_developer_cli: each step, the first fails, the second gives the token', async () => {
    imdsAnswer = 'no-identity';
    const bin = azdPath();
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli',
        AZURE_POD_IDENTITY_AUTHORITY_HOST: imdsUrl,
        PATH: bin,
      }),
    });
    const [auth = '', token = ''] = run.stdout.split(/\n(?=ok token|!! token)/);
    expect(auth).toContain(
      'ok auth     AZURE_AUTH_METHOD=managed_identity,azure_developer_cli: a chain (ChainedTokenCredential) of 2 credentials, tried in order',
    );
    expect(auth).toContain(
      `1. managed_identity: ManagedIdentityCredential: managed identity: IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${imdsUrl}, system-assigned`,
    );
    expect(auth).toContain(
      `2. azure_developer_cli: AzureDeveloperCliCredential: azd on PATH (azd auth login): ${join(bin, 'azd')}`,
    );
    expect(token).toMatch(/^ok token {4}/);
    expect(token).toMatch(SCOPE_LINE);
    expect(token).toMatch(/1\. managed_identity: ManagedIdentityCredential: .*Identity not found/);
    expect(token).toContain('2. azure_developer_cli: ok');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  test('a user-assigned identity by resource id: named, sent, and its token described', async () => {
    imdsAnswer = 'token';
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        AZURE_AUTH_METHOD: 'managed_identity',
        AZURE_AUTH_IDENTITY_RESOURCE_ID: RESOURCE_ID,
        AZURE_POD_IDENTITY_AUTHORITY_HOST: imdsUrl,
      }),
    });
    expect(run.stdout).toContain(
      `managed identity: IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${imdsUrl}, user-assigned by resource id AZURE_AUTH_IDENTITY_RESOURCE_ID=${RESOURCE_ID}`,
    );
    expect(run.stdout).toMatch(SCOPE_LINE);
    expect(run.stdout).toContain('object o-1');
    expect(imdsQueries.at(-1)?.get('msi_res_id')).toBe(RESOURCE_ID);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});
