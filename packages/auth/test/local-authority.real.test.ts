import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@bots/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real EnvironmentCredential (client secret), DefaultAzureCredential and
// WorkloadIdentityCredential against an https authority on loopback (a CA made here with openssl;
// NODE_EXTRA_CA_CERTS is read at process start, so each case runs in a fresh Node):
// - AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: without it MSAL asks the public cloud's instance
//   discovery first, which cannot be reached from here; with it the token comes from the local
//   authority alone;
// - a claims challenge: a service principal posts the claims to the authority.

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const TENANT = '72f988bf-0000-0000-0000-000000000001';
const CLIENT = '00000000-0000-0000-0000-00000000a99e';

let directory: string;
let authority: Server;
let authorityUrl: string;
const paths: string[] = [];
const tokenBodies: URLSearchParams[] = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'auth-discovery-'));
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.cnf'),
    '-out',
    file('server.pem'),
  );
  writeFileSync(file('federated-token'), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ3b3JrbG9hZCJ9.');
  authority = createServer(
    { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) },
    (request, response) => {
      const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
      paths.push(`${request.method} ${path}`);
      response.setHeader('content-type', 'application/json');
      if (path === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        response.end(
          JSON.stringify({
            issuer: `${authorityUrl}/${TENANT}/v2.0`,
            authorization_endpoint: `${authorityUrl}/${TENANT}/oauth2/v2.0/authorize`,
            token_endpoint: `${authorityUrl}/${TENANT}/oauth2/v2.0/token`,
            jwks_uri: `${authorityUrl}/${TENANT}/discovery/v2.0/keys`,
          }),
        );
        return;
      }
      if (path === `/${TENANT}/oauth2/v2.0/token`) {
        let body = '';
        request.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        request.on('end', () => {
          const form = new URLSearchParams(body);
          tokenBodies.push(form);
          response.end(
            JSON.stringify({
              access_token: form.has('claims')
                ? `local-authority-token-with-claims-${tokenBodies.length}`
                : 'local-authority-token-0123456789',
              expires_in: 3600,
              token_type: 'Bearer',
            }),
          );
        });
        return;
      }
      response.writeHead(404);
      response.end('{}');
    },
  );
  await new Promise<void>((resolve) => authority.listen(0, '127.0.0.1', resolve));
  authorityUrl = `https://127.0.0.1:${(authority.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => authority.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

const script = `
  import { tokenProviderFromEnv } from '@bots/auth';
  const provider = await tokenProviderFromEnv({ env: process.env });
  try {
    console.log(JSON.stringify({ token: await provider() }));
  } catch (error) {
    console.log(JSON.stringify({ name: error.name, message: error.message }));
  }
`;

function run(env: Record<string, string>) {
  return runNode(script, {
    cwd: PACKAGE,
    env: {
      NODE_EXTRA_CA_CERTS: join(directory, 'ca.pem'),
      AZURE_AUTHORITY_HOST: authorityUrl,
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      ...env,
    },
  });
}

describe('AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY against a local https authority', () => {
  it.each([
    ['environment', { AZURE_CLIENT_SECRET: 'a-client-secret-0123456789' }],
    ['azure_ad', { AZURE_CLIENT_SECRET: 'a-client-secret-0123456789' }],
    ['workload_identity', { AZURE_FEDERATED_TOKEN_FILE: '' }],
  ] as const)('%s with true: the token, from the local authority only', async (method, extra) => {
    const before = paths.length;
    const result = await run({
      AZURE_AUTH_METHOD: method,
      AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'true',
      ...extra,
      ...('AZURE_FEDERATED_TOKEN_FILE' in extra
        ? { AZURE_FEDERATED_TOKEN_FILE: join(directory, 'federated-token') }
        : {}),
    });
    expect(result.refused).toEqual([]);
    expect(JSON.parse(result.stdout.trim())).toEqual({ token: 'local-authority-token-0123456789' });
    expect(paths.slice(before)).toEqual([
      `GET /${TENANT}/v2.0/.well-known/openid-configuration`,
      `POST /${TENANT}/oauth2/v2.0/token`,
    ]);
  });

  it('environment without it: MSAL asks the public cloud first (unreachable here) and fails with endpoints_resolution_error', async () => {
    const before = paths.length;
    const result = await run({
      AZURE_AUTH_METHOD: 'environment',
      AZURE_CLIENT_SECRET: 'a-client-secret-0123456789',
    });
    // The public cloud is not reachable from here (no DNS, or the guard refuses it): either way
    // nothing but it was tried.
    expect(result.refused.every((target) => target.startsWith('login.microsoftonline.com'))).toBe(
      true,
    );
    const error = JSON.parse(result.stdout.trim()) as { name: string; message: string };
    expect(error.name).toBe('AuthenticationError');
    expect(error.message).toContain('endpoints_resolution_error: Endpoints cannot be resolved');
    expect(error.message).not.toContain('a-client-secret-0123456789');
    expect(paths.slice(before)).not.toContain(`POST /${TENANT}/oauth2/v2.0/token`);
  });
});

describe('a service principal honours a claims challenge (the real EnvironmentCredential)', () => {
  it('invalidate({ claims }): MSAL asks the authority anew with the claims, and the new token is taken', async () => {
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    const before = tokenBodies.length;
    const result = await runNode(
      `
      import { tokenProviderFromEnv } from '@bots/auth';
      const provider = await tokenProviderFromEnv({ env: process.env });
      const first = await provider();
      provider.invalidate({ claims: ${JSON.stringify(claims)} });
      console.log(JSON.stringify({ first, second: await provider() }));
    `,
      {
        cwd: PACKAGE,
        env: {
          NODE_EXTRA_CA_CERTS: join(directory, 'ca.pem'),
          AZURE_AUTHORITY_HOST: authorityUrl,
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT,
          AZURE_CLIENT_SECRET: 'a-client-secret-0123456789',
          AZURE_AUTH_METHOD: 'environment',
          AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'true',
        },
      },
    );
    expect(result.refused).toEqual([]);
    expect(JSON.parse(result.stdout.trim())).toEqual({
      first: 'local-authority-token-0123456789',
      second: `local-authority-token-with-claims-${before + 2}`,
    });
    const sent = tokenBodies.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.has('claims')).toBe(false);
    expect(JSON.parse(sent[1]?.get('claims') ?? '{}')).toEqual(JSON.parse(claims));
  });
});
