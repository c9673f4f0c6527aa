// Every credential behind AZURE_AUTH_METHOD, end to end and for real: in a fresh Node process per
// case (NODE_EXTRA_CA_CERTS is read only at start; msal-node pins its managed-identity source and
// cache per process), `createChatModel` builds the real `@azure/identity` credential the method
// names, which gets a token from the emulator (its https authority, a managed-identity shape, or
// the `az`/`azd` stand-ins), and the real `openai` client's calls are accepted by the emulator's
// model endpoint, which checks signature, audience, expiry and revocation. The emulator's request
// log then shows which identity endpoint issued the tokens, for which client id, and that every
// model request carried an accepted token. The loopback guard runs in every child.
import { fileURLToPath } from 'node:url';
import type { Emulator, RecordedRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { AVAILABLE, RUNNING_AS_ROOT, runNode, testWhen, unavailable } from '@bots/test-kit';
import { beforeEach, describe, expect, test } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const emulator = useEmulator({ tokenLifetimeSeconds: 3600 });

const CHILD = `
import { createChatModel } from '@bots/providers';
const model = await createChatModel(process.env.CASE_MODEL ?? 'azure-openai/gpt-4o-mini', { env: process.env });
const replies = [];
for (let call = 0; call < Number(process.env.CASE_CALLS ?? '1'); call++) {
  try {
    replies.push((await model.complete({ messages: [{ role: 'user', content: 'ping ' + call }] })).text);
  } catch (error) {
    console.log(JSON.stringify({ replies, error: { name: error.name, kind: error.kind, message: error.message } }));
    process.exit(0);
  }
}
console.log(JSON.stringify({ replies }));
`;

interface CaseOutcome {
  replies: string[];
  error?: { name: string; kind?: string; message: string };
}

/** The model endpoint's env: the dated Azure OpenAI API, no identity variable. */
function modelEnv(e: Emulator): Record<string, string> {
  return {
    AZURE_OPENAI_ENDPOINT: e.env.AZURE_OPENAI_ENDPOINT!,
    AZURE_OPENAI_API_VERSION: e.env.AZURE_OPENAI_API_VERSION!,
  };
}

async function runCase(
  env: Record<string, string | undefined>,
  options: { calls?: number; model?: string } = {},
): Promise<CaseOutcome> {
  const e = emulator.emulator;
  const run = await runNode(CHILD, {
    cwd: packageDirectory,
    env: {
      ...modelEnv(e),
      ...env,
      CASE_CALLS: String(options.calls ?? 2),
      ...(options.model ? { CASE_MODEL: options.model } : {}),
    },
  });
  expect(run.refused, run.stderr).toEqual([]);
  expect(run.code, run.stderr).toBe(0);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as CaseOutcome;
}

const modelRequests = (e: Emulator): RecordedRequest[] =>
  [...e.requests].filter((request) => request.kind === 'azure-openai');
const tokenRequests = (e: Emulator): RecordedRequest[] =>
  [...e.requests].filter((request) => request.kind === 'identity' || request.kind === 'authority');

/** Every model request carried an accepted token of `clientId`, with the Cognitive Services audience. */
function expectAcceptedTokensOf(e: Emulator, clientId: string, count = 2): void {
  const requests = modelRequests(e);
  expect(requests).toHaveLength(count);
  for (const request of requests) {
    expect(request.status).toBe(200);
    expect(request.auth).toMatchObject({
      scheme: 'bearer',
      accepted: true,
      clientId,
      audience: 'https://cognitiveservices.azure.com',
    });
  }
}

describe('keyless credentials end to end (real @azure/identity, real openai, the emulator)', () => {
  beforeEach(() => {
    const e = emulator.emulator;
    e.setScript(() => 'pong');
    e.requests.clear();
  });

  describe('service principal', () => {
    test('environment: client secret through the https authority', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'environment',
        ...e.credentialEnv('client-secret'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
      const tokens = tokenRequests(e);
      expect(tokens.map((request) => request.kind)).toContain('authority');
    });

    test('environment: client certificate (a signed assertion the authority verifies)', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'environment',
        ...e.credentialEnv('client-certificate'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
    });

    test('azure_ad picks the service principal too (DefaultAzureCredential → EnvironmentCredential)', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_ad',
        ...e.credentialEnv('client-secret'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
    });

    test('azure_ad picks the service principal with a certificate too', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_ad',
        ...e.credentialEnv('client-certificate'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
    });

    test("a wrong secret fails with the authority's AADSTS7000215, and the secret is nowhere", async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'environment',
        ...e.credentialEnv('client-secret'),
        AZURE_CLIENT_SECRET: 'not-the-secret-0123456789',
      });
      expect(outcome.replies).toEqual([]);
      expect(outcome.error?.message).toContain('AADSTS7000215');
      expect(outcome.error?.message).not.toContain('not-the-secret-0123456789');
      expect(JSON.stringify([...e.requests])).not.toContain('not-the-secret-0123456789');
    });
  });

  describe('workload identity', () => {
    test('workload_identity: a federated token file exchanged at the authority', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'workload_identity',
        ...e.credentialEnv('workload-identity'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
    });

    test('azure_ad picks workload identity (DefaultAzureCredential → WorkloadIdentityCredential)', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_ad',
        ...e.credentialEnv('workload-identity'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
    });

    test('managed_identity in the AKS token-exchange shape', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'managed_identity',
        ...e.credentialEnv('workload-identity'),
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, e.application.clientId);
    });
  });

  describe('managed identity, system-assigned, in every shape', () => {
    const shapes = ['app-service', 'imds', 'cloud-shell', 'azure-ml', 'azure-arc'] as const;
    for (const shape of shapes) {
      const needs =
        shape === 'azure-arc' && !RUNNING_AS_ROOT
          ? unavailable(
              'the Azure Arc shape writes its key file under /var/opt/azcmagent/tokens (root only)',
            )
          : AVAILABLE;
      testWhen(needs)(`managed_identity: ${shape}`, async () => {
        const e = emulator.emulator;
        const outcome = await runCase({
          AZURE_AUTH_METHOD: 'managed_identity',
          ...e.credentialEnv(shape),
        });
        expect(outcome).toEqual({ replies: ['pong', 'pong'] });
        const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
        expect(sources.length).toBeGreaterThan(0);
        expect(new Set(sources)).toEqual(new Set([shape]));
        expect(modelRequests(e).every((request) => request.auth.accepted)).toBe(true);
      });
    }

    for (const shape of shapes) {
      const needs =
        shape === 'azure-arc' && !RUNNING_AS_ROOT
          ? unavailable(
              'the Azure Arc shape writes its key file under /var/opt/azcmagent/tokens (root only)',
            )
          : AVAILABLE;
      testWhen(needs)(`azure_ad picks managed identity: ${shape}`, async () => {
        const e = emulator.emulator;
        const outcome = await runCase({ AZURE_AUTH_METHOD: 'azure_ad', ...e.credentialEnv(shape) });
        expect(outcome).toEqual({ replies: ['pong', 'pong'] });
        const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
        expect(new Set(sources)).toEqual(new Set([shape]));
        expect(modelRequests(e).every((request) => request.auth.accepted)).toBe(true);
      });
    }
  });

  describe('managed identity, user-assigned, by each kind of id', () => {
    const ids = [
      ['AZURE_CLIENT_ID', 'clientId'],
      ['AZURE_AUTH_IDENTITY_RESOURCE_ID', 'resourceId'],
      ['AZURE_AUTH_IDENTITY_OBJECT_ID', 'objectId'],
    ] as const;
    for (const shape of ['app-service', 'imds'] as const) {
      for (const [variable, field] of ids) {
        test(`managed_identity: ${shape}, ${variable}`, async () => {
          const e = emulator.emulator;
          const identity = e.userAssignedIdentity!;
          const outcome = await runCase({
            AZURE_AUTH_METHOD: 'managed_identity',
            ...e.credentialEnv(shape),
            [variable]: identity[field],
          });
          expect(outcome).toEqual({ replies: ['pong', 'pong'] });
          expectAcceptedTokensOf(e, identity.clientId);
        });
      }
    }

    test('azure_ad with AZURE_CLIENT_ID picks the user-assigned identity', async () => {
      const e = emulator.emulator;
      const identity = e.userAssignedIdentity!;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_ad',
        ...e.credentialEnv('imds'),
        AZURE_CLIENT_ID: identity.clientId,
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, identity.clientId);
    });

    test('azure_ad with AZURE_AUTH_IDENTITY_RESOURCE_ID picks the user-assigned identity', async () => {
      const e = emulator.emulator;
      const identity = e.userAssignedIdentity!;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_ad',
        ...e.credentialEnv('imds'),
        AZURE_AUTH_IDENTITY_RESOURCE_ID: identity.resourceId,
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      expectAcceptedTokensOf(e, identity.clientId);
    });

    test("an unknown user-assigned identity fails with the endpoint's own error", async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'managed_identity',
        ...e.credentialEnv('imds'),
        AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
      });
      expect(outcome.replies).toEqual([]);
      expect(outcome.error?.kind).toBe('authentication');
      expect(outcome.error?.message).toMatch(/identity not found/i);
    });
  });

  describe('developer logins', () => {
    test('azure_cli: the az stand-in', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_cli',
        PATH: e.writeCliStandIns().env.PATH,
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
      expect(sources).toEqual(['azure-cli']);
    });

    test('azure_developer_cli: the azd stand-in', async () => {
      const e = emulator.emulator;
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_developer_cli',
        PATH: e.writeCliStandIns().env.PATH,
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
      expect(sources).toEqual(['azure-developer-cli']);
    });
  });

  describe('developer logins through azure_ad (DefaultAzureCredential, AZURE_TOKEN_CREDENTIALS=dev)', () => {
    test('azure_ad picks az when it is signed in', async () => {
      const e = emulator.emulator;
      e.setCliLogin({ az: true, azd: true });
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'azure_ad',
        AZURE_TOKEN_CREDENTIALS: 'dev',
        PATH: e.writeCliStandIns().env.PATH,
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
      expect(sources).toEqual(['azure-cli']);
    });

    test('azure_ad goes on to azd when az is not signed in', async () => {
      const e = emulator.emulator;
      e.setCliLogin({ az: false, azd: true });
      try {
        const outcome = await runCase({
          AZURE_AUTH_METHOD: 'azure_ad',
          AZURE_TOKEN_CREDENTIALS: 'dev',
          PATH: e.writeCliStandIns().env.PATH,
        });
        expect(outcome).toEqual({ replies: ['pong', 'pong'] });
        // az was asked first and answered "not logged in" (the stand-in asks the emulator too).
        const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
        expect(sources).toEqual(['azure-cli', 'azure-developer-cli']);
      } finally {
        e.setCliLogin({ az: true, azd: true });
      }
    });
  });

  describe('chains', () => {
    test('managed_identity,azure_developer_cli off Azure: managed identity is unavailable, azd answers', async () => {
      const e = emulator.emulator;
      e.setCliLogin({ az: true, azd: true });
      const outcome = await runCase({
        AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli',
        PATH: e.writeCliStandIns().env.PATH,
        // No managed-identity variable but this one: the IMDS probe goes to a closed loopback
        // port instead of 169.254.169.254, as an off-Azure machine's probe finds nothing.
        AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9',
      });
      expect(outcome).toEqual({ replies: ['pong', 'pong'] });
      const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
      expect(sources).toEqual(['azure-developer-cli']);
    });

    test('azure_cli,azure_developer_cli: az is signed out, azd is used', async () => {
      const e = emulator.emulator;
      e.setCliLogin({ az: false, azd: true });
      try {
        const outcome = await runCase({
          AZURE_AUTH_METHOD: 'azure_cli,azure_developer_cli',
          PATH: e.writeCliStandIns().env.PATH,
        });
        expect(outcome).toEqual({ replies: ['pong', 'pong'] });
        const sources = tokenRequests(e).map((request) => (request as { source?: string }).source);
        expect(sources.at(-1)).toBe('azure-developer-cli');
      } finally {
        e.setCliLogin({ az: true, azd: true });
      }
    });

    test('all fail: the error lists each step and its reason', async () => {
      const e = emulator.emulator;
      e.setCliLogin({ az: false, azd: false });
      try {
        const outcome = await runCase({
          AZURE_AUTH_METHOD: 'azure_cli,azure_developer_cli',
          PATH: e.writeCliStandIns().env.PATH,
        });
        expect(outcome.replies).toEqual([]);
        expect(outcome.error?.kind).toBe('authentication');
        expect(outcome.error?.message).toMatch(/every step of the chain failed/);
        expect(outcome.error?.message).toMatch(
          /\n1\. azure_cli \(AzureCliCredential\): .*az login/,
        );
        expect(outcome.error?.message).toMatch(
          /\n2\. azure_developer_cli \(AzureDeveloperCliCredential\): .*azd auth login/,
        );
        expect(modelRequests(e)).toEqual([]);
      } finally {
        e.setCliLogin({ az: true, azd: true });
      }
    });
  });

  describe('revocation (Continuous Access Evaluation)', () => {
    test('service principal: a revoked token gets the CAE 401, the retry carries a fresh token, the run succeeds', async () => {
      const e = emulator.emulator;
      let calls = 0;
      e.setScript(() => {
        calls += 1;
        // Revoke right after the first call was accepted: the second call carries a revoked token.
        if (calls === 1) e.revokeIssuedTokens();
        return 'pong';
      });
      const outcome = await runCase(
        { AZURE_AUTH_METHOD: 'environment', ...e.credentialEnv('client-secret') },
        { calls: 3 },
      );
      expect(outcome).toEqual({ replies: ['pong', 'pong', 'pong'] });
      const models = modelRequests(e);
      expect(models.map((request) => request.status)).toEqual([200, 401, 200, 200]);
      expect(models[1]!.auth.reason).toMatch(/revoked/);
      expect(models[2]!.auth.tokenId).not.toBe(models[0]!.auth.tokenId);
      // Two token requests at the authority: the first token, then one with the challenge's claims.
      const issued = tokenRequests(e).filter((request) =>
        request.path.endsWith('/oauth2/v2.0/token'),
      );
      expect(
        issued.map((request) => [request.status, Boolean(request.authority?.claimsChallenge)]),
      ).toEqual([
        [200, false],
        [200, true],
      ]);
    });

    test('managed identity: the run fails with the documented error instead of retrying blindly', async () => {
      const e = emulator.emulator;
      let calls = 0;
      e.setScript(() => {
        calls += 1;
        if (calls === 1) e.revokeIssuedTokens();
        return 'pong';
      });
      const outcome = await runCase(
        { AZURE_AUTH_METHOD: 'managed_identity', ...e.credentialEnv('app-service') },
        { calls: 2 },
      );
      expect(outcome.replies).toEqual(['pong']);
      expect(outcome.error?.kind).toBe('authentication');
      expect(outcome.error?.message).toMatch(/revoked/i);
      expect(outcome.error?.message).toMatch(/Continuous Access Evaluation/);
      expect(outcome.error?.message).toMatch(/restart/i);
      // Two 401s at most (the call and its one retry with the same token), never a loop.
      expect(
        modelRequests(e).filter((request) => request.status === 401).length,
      ).toBeLessThanOrEqual(2);
    });
  });
});
