import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authCheck, tokenCheckFor } from './credential-check.js';

// The doctor's credential checks with the real @azure/identity credentials: a
// ManagedIdentityCredential on the IMDS shape (AZURE_POD_IDENTITY_AUTHORITY_HOST at a loopback
// server of this test; @azure/identity reads process.env, so it is stubbed there) and the real
// AzureDeveloperCliCredential running a fake `azd` first on PATH. Vitest runs this file in a
// process of its own, so msal-node's per-process managed-identity source is this file's.

const SCOPE = 'https://cognitiveservices.azure.com/.default';
const RESOURCE_ID =
  '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bot';

let imds: Server;
let imdsUrl: string;
let imdsAnswer: 'no-identity' | 'token' = 'no-identity';
const imdsQueries: URLSearchParams[] = [];
let bin: string;

/** An unsigned JWT-shaped token, so that the doctor can show its audience and expiry. */
function jwt(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.signature`;
}
const expiry = Math.floor(Date.now() / 1000) + 3600;
const AZD_TOKEN = jwt({
  aud: 'https://cognitiveservices.azure.com',
  exp: expiry,
  tid: 'tenant-azd',
});

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
    response.end(
      JSON.stringify({
        access_token: jwt({ aud: 'https://cognitiveservices.azure.com', exp: expiry, oid: 'o-1' }),
        expires_on: String(expiry),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
      }),
    );
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
  bin = mkdtempSync(join(tmpdir(), 'doctor-chain-bin-'));
  writeFileSync(
    join(bin, 'azd'),
    `#!/bin/sh\necho '{"token":"${AZD_TOKEN}","expiresOn":"${new Date(expiry * 1000).toISOString()}"}'\n`,
  );
  chmodSync(join(bin, 'azd'), 0o755);
});

afterAll(async () => {
  await new Promise((resolve) => imds.close(resolve));
  rmSync(bin, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function stubIdentityEnv(extra: Record<string, string> = {}): Record<string, string> {
  for (const name of [
    'IDENTITY_ENDPOINT',
    'IDENTITY_HEADER',
    'MSI_ENDPOINT',
    'MSI_SECRET',
    'IMDS_ENDPOINT',
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_FEDERATED_TOKEN_FILE',
  ]) {
    vi.stubEnv(name, undefined);
  }
  const env = {
    AZURE_POD_IDENTITY_AUTHORITY_HOST: imdsUrl,
    PATH: `${bin}:${process.env.PATH}`,
    ...extra,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return env;
}

describe('bots doctor: a chain, step by step', () => {
  it('managed_identity,azure_developer_cli: each step described; the first fails, the second gives the token', async () => {
    imdsAnswer = 'no-identity';
    const env = stubIdentityEnv({ AZURE_AUTH_METHOD: 'managed_identity, azure_developer_cli' });
    const auth = await authCheck(env);
    expect(auth.check.status).toBe('ok');
    expect(auth.check.lines).toEqual([
      'AZURE_AUTH_METHOD=managed_identity,azure_developer_cli: a chain (ChainedTokenCredential) of 2 credentials, tried in order (the first that gives a token wins):',
      `  1. managed_identity: ManagedIdentityCredential: managed identity: IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${imdsUrl}, system-assigned`,
      `  2. azure_developer_cli: AzureDeveloperCliCredential: azd on PATH (azd auth login): ${join(bin, 'azd')}`,
    ]);

    const token = await tokenCheckFor(auth, SCOPE);
    expect(token?.status).toBe('ok');
    const lines = token?.lines ?? [];
    expect(lines[0]).toMatch(
      /^got a token for scope https:\/\/cognitiveservices\.azure\.com\/\.default in \d+ ms/,
    );
    expect(lines).toContain('audience https://cognitiveservices.azure.com');
    expect(lines).toContain('tenant tenant-azd');
    const steps = lines.slice(lines.indexOf('each step of the chain, in order:') + 1);
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatch(
      /^ {2}1\. managed_identity: ManagedIdentityCredential: .*Identity not found/,
    );
    expect(steps[1]).toBe('  2. azure_developer_cli: ok');
    expect(lines.join('\n')).not.toContain(AZD_TOKEN);
  });

  it('a bad element is the configuration error of AZURE_AUTH_METHOD, before anything is built', async () => {
    await expect(authCheck({ AZURE_AUTH_METHOD: 'managed_identity,api_key' })).rejects.toThrow(
      'has api_key in a chain',
    );
  });
});

describe('bots doctor: a user-assigned managed identity', () => {
  it('by resource id: named in the auth check, and sent to the endpoint', async () => {
    imdsAnswer = 'token';
    const env = stubIdentityEnv({
      AZURE_AUTH_METHOD: 'managed_identity',
      AZURE_AUTH_IDENTITY_RESOURCE_ID: RESOURCE_ID,
    });
    const auth = await authCheck(env);
    expect(auth.check.lines).toEqual([
      'AZURE_AUTH_METHOD=managed_identity: ManagedIdentityCredential',
      `managed identity: IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${imdsUrl}, user-assigned by resource id AZURE_AUTH_IDENTITY_RESOURCE_ID=${RESOURCE_ID}`,
    ]);
    const token = await tokenCheckFor(auth, SCOPE);
    expect(token?.status).toBe('ok');
    expect(token?.lines).toContain('object o-1');
    expect(imdsQueries.at(-1)?.get('msi_res_id')).toBe(RESOURCE_ID);
  });

  it('two ids: the auth check is a configuration error naming both', async () => {
    const env = stubIdentityEnv({
      AZURE_AUTH_METHOD: 'managed_identity',
      AZURE_CLIENT_ID: 'c-1',
      AZURE_AUTH_IDENTITY_OBJECT_ID: 'o-1',
    });
    const auth = await authCheck(env);
    expect(auth.check.status).toBe('error');
    expect(auth.check.lines[0]).toContain(
      'could not be created: AZURE_CLIENT_ID and AZURE_AUTH_IDENTITY_OBJECT_ID are set',
    );
    expect(auth.credential).toBeUndefined();
  });
});
