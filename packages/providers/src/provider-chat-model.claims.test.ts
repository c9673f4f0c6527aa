import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type TokenCredential, tokenProviderFromCredential } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { runNode } from '@bots/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { claimsChallengeOf } from './claims-challenge-of.js';
import { createChatModel } from './create-chat-model.js';

// Continuous Access Evaluation: the emulator revokes its tokens (revokeIssuedTokens) and answers
// the revoked token with 401. Its 401 does not carry a claims challenge yet, so a loopback proxy
// of this test, in front of it, puts the challenge Entra-protected resources send into that 401's
// WWW-Authenticate: `Bearer realm="", authorization_uri="...", error="insufficient_claims",
// claims="<base64 of {"access_token":{"nbf":{"essential":true,"value":"<revocation time>"}}}>"`.
// Everything else passes through unchanged. `POST /__revoke` on the proxy revokes (for a child
// process).

const emulator = useEmulator({
  script: () => ({ text: 'pong', usage: { inputTokens: 5, outputTokens: 1 } }),
});
const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

let proxy: Server;
let proxyOrigin: string;
let revokedAt: number | undefined;
const challenges: string[] = [];

const claimsAt = (seconds: number) =>
  JSON.stringify({ access_token: { nbf: { essential: true, value: String(seconds) } } });

function revoke(): void {
  emulator.revokeIssuedTokens();
  revokedAt = Math.floor(Date.now() / 1000);
}

beforeAll(async () => {
  const target = new URL(emulator.urls.base);
  proxy = createServer((incoming, outgoing) => {
    if (incoming.method === 'POST' && incoming.url === '/__revoke') {
      revoke();
      outgoing.end('revoked');
      return;
    }
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (answer.statusCode === 401 && revokedAt !== undefined) {
          const challenge = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${Buffer.from(claimsAt(revokedAt)).toString('base64')}"`;
          headers['www-authenticate'] = challenge;
          challenges.push(challenge);
        }
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
});

afterEach(() => {
  revokedAt = undefined;
  challenges.length = 0;
  emulator.requests.clear();
});

const throughProxy = (url: string) => {
  const parsed = new URL(url);
  return `${proxyOrigin}${parsed.pathname}`;
};

/** A credential over the emulator's issuer that records the options of each getToken. */
function issuingCredential(audience: string) {
  const calls: Array<{ claims?: string }> = [];
  const credential: TokenCredential = {
    async getToken(_scopes, options) {
      calls.push(options?.claims === undefined ? {} : { claims: options.claims });
      return emulator.issueToken({ audience });
    },
  };
  return { credential, calls };
}

describe('a 401 with a claims challenge: the fresh token is asked for with its claims', () => {
  it.each([
    [
      'openai (AzureOpenAI)',
      'azure-openai/gpt-4o',
      'https://cognitiveservices.azure.com',
      'azure-openai',
    ],
    [
      '@anthropic-ai/sdk (AnthropicFoundry)',
      'anthropic/claude-x',
      'https://ai.azure.com',
      'anthropic-foundry',
    ],
  ] as const)(
    '%s: invalidate({ claims }), getToken(scope, { claims }), one retry, success',
    async (_client, model, audience, kind) => {
      const { credential, calls } = issuingCredential(audience);
      const tokenProvider = tokenProviderFromCredential(credential, `${audience}/.default`);
      const chat = await createChatModel(model, {
        tokenProvider,
        env: {
          OPEN_AI_END_POINT: throughProxy(emulator.urls.azureOpenAI),
          OPEN_AI_API_VERSION: emulator.apiVersion,
          ANTHROPIC_END_POINT: throughProxy(emulator.urls.anthropicFoundry),
        },
      });
      expect((await chat.complete(hello)).text).toBe('pong');
      revoke();
      expect((await chat.complete(hello)).text).toBe('pong');

      expect(challenges).toHaveLength(1);
      expect(emulator.requests.ofKind(kind).map((request) => request.status)).toEqual([
        200, 401, 200,
      ]);
      expect(calls).toEqual([{}, { claims: claimsAt(revokedAt as number) }]);
    },
  );
});

describe('managed identity cannot honour the claims (the real ManagedIdentityCredential, App Service shape, fresh process)', () => {
  it('fails with an AuthenticationError that names the cause, when the token can be replaced, and what to do', async () => {
    const code = `
      import { createChatModel } from '@bots/providers';
      const hello = { messages: [{ role: 'user', content: 'ping' }] };
      const model = await createChatModel('azure-openai/gpt-4o', {
        env: {
          AZURE_AUTH_METHOD: 'managed_identity',
          OPEN_AI_END_POINT: process.env.TEST_ENDPOINT,
          OPEN_AI_API_VERSION: process.env.TEST_API_VERSION,
        },
      });
      const first = await model.complete(hello);
      await fetch(process.env.TEST_REVOKE, { method: 'POST' });
      try {
        await model.complete(hello);
        console.log(JSON.stringify({ first: first.text, second: 'answered' }));
      } catch (error) {
        console.log(JSON.stringify({ first: first.text, name: error.name, kind: error.kind, message: error.message }));
      }
    `;
    const run = await runNode(code, {
      cwd: PACKAGE,
      env: {
        IDENTITY_ENDPOINT: emulator.env.IDENTITY_ENDPOINT,
        IDENTITY_HEADER: emulator.env.IDENTITY_HEADER,
        TEST_ENDPOINT: throughProxy(emulator.urls.azureOpenAI),
        TEST_API_VERSION: emulator.apiVersion,
        TEST_REVOKE: `${proxyOrigin}/__revoke`,
      },
    });
    expect(run.refused).toEqual([]);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim()) as Record<string, string>;
    expect(result).toMatchObject({
      first: 'pong',
      name: 'AuthenticationError',
      kind: 'authentication',
    });
    expect(result.message).toMatch(
      /^The endpoint revoked the token of the managed_identity credential \(Continuous Access Evaluation: a 401 with a claims challenge\), and the credential, asked for a new token with the challenge's claims, gave the same token again\. It cannot fetch a new token before its cache lets go of this one: a managed-identity credential cannot .* The cached token can be replaced at \d{4}-\d\d-\d\dT[\d:.]+Z \(in 5[45] minutes, 5 minutes before it expires\)\. Restart the process to get a new token now, or wait until then\.$/,
    );
    // One 401 with the challenge; no blind retry with the revoked token.
    expect(emulator.requests.ofKind('azure-openai').map((request) => request.status)).toEqual([
      200, 401,
    ]);
    expect(challenges).toHaveLength(1);
  });
});

describe('claimsChallengeOf: the challenge in an SDK error', () => {
  const header = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claimsAt(1)).toString('base64')}"`;
  it('reads Headers, a plain record in any case, and an array of values', () => {
    expect(claimsChallengeOf({ headers: new Headers({ 'WWW-Authenticate': header }) })).toBe(
      claimsAt(1),
    );
    expect(claimsChallengeOf({ headers: { 'Www-Authenticate': header } })).toBe(claimsAt(1));
    expect(
      claimsChallengeOf({ headers: { 'www-authenticate': ['Basic realm="x"', header] } }),
    ).toBe(claimsAt(1));
  });

  it('undefined without one', () => {
    for (const error of [
      null,
      new Error('x'),
      { headers: new Headers({ 'www-authenticate': 'Bearer error="invalid_token"' }) },
      { headers: 'www-authenticate' },
    ]) {
      expect(claimsChallengeOf(error)).toBeUndefined();
    }
  });
});
