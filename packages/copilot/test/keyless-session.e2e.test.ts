// The real @github/copilot-sdk and the real Copilot CLI from npm, offline, against the emulator:
// every model request must carry a bearer token the endpoint accepts, never an expired one.

import { cachedTokenProvider, clearSharedTokenProviders } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { approveAll, CopilotRequestHandler } from '@github/copilot-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { copilotProvider } from '../src/copilot-provider.js';
import { keylessRequestHandler } from '../src/keyless-request-handler.js';
import { createKeylessSession } from '../src/keyless-session.js';
import {
  managedIdentityEnv,
  modelRequests,
  type StartedCopilot,
  startCopilot,
  tokenSummary,
} from './copilot-harness.js';

// Tokens of 120 s: under the 5 minutes below which msal-node's process-wide managed-identity
// cache stops answering, so that a fetch after a revocation really reaches the endpoint (with
// hour-long tokens msal hands out the revoked one again; see @bots/auth's revoked-token.ts).
const emulator = useEmulator({ script: () => 'pong', tokenLifetimeSeconds: 120 });
let copilot: StartedCopilot;

beforeAll(async () => {
  // @azure/identity (msal-node) reads the managed-identity variables from process.env itself.
  for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
    vi.stubEnv(name, value);
  }
  copilot = await startCopilot(emulator.emulator);
});
afterAll(async () => {
  await copilot?.stop();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  emulator.requests.clear();
  emulator.setTokenLifetime(120);
  // Each test gets its own token provider: @bots/auth shares one per credential and scope per
  // process, which would carry an earlier test's token (and its lifetime) into the next.
  clearSharedTokenProviders();
});

const v1 = () => emulator.urls.azureOpenAIv1;

async function keylessSession(
  endpoint: string,
  options: Parameters<typeof copilotProvider>[1] = {},
  streaming = false,
) {
  const provider = await copilotProvider('azure-openai/gpt-4o', {
    env: {
      ...managedIdentityEnv(emulator.emulator, endpoint),
      OPEN_AI_API_VERSION: emulator.apiVersion,
    },
    ...options,
  });
  return createKeylessSession(copilot.client, {
    model: 'gpt-4o',
    provider,
    streaming,
    onPermissionRequest: approveAll,
  });
}

function expectEveryTokenAccepted() {
  const summary = tokenSummary(emulator.emulator);
  expect(summary.length).toBeGreaterThan(0);
  for (const request of summary) {
    expect(request).toMatchObject({
      scheme: 'bearer',
      accepted: true,
      expired: false,
      status: 200,
    });
  }
  return summary;
}

describe('bearerTokenProvider through AZURE_AUTH_METHOD=azure_ad (managed identity)', () => {
  it('v1 API, responses wire: one POST /openai/v1/responses per turn, each with an accepted ai.azure.com token', async () => {
    const keyless = await keylessSession(v1(), { wireApi: 'responses' });
    try {
      const first = await keyless.sendAndWait({ prompt: 'Say pong' });
      const second = await keyless.sendAndWait({ prompt: 'Again' });
      expect([first?.data.content, second?.data.content]).toEqual(['pong', 'pong']);
      const summary = expectEveryTokenAccepted();
      expect(summary.map((request) => request.path)).toEqual([
        '/openai/v1/responses',
        '/openai/v1/responses',
      ]);
      expect(new Set(summary.map((request) => request.audience))).toEqual(
        new Set(['https://ai.azure.com']),
      );
      // One token for both turns: the @bots/auth cache answered the second callback.
      expect(emulator.requests.ofKind('identity')).toHaveLength(1);
      expect(keyless.stats).toEqual({ unauthorized: 0, invalidations: 0, resumes: 0 });
    } finally {
      await keyless.disconnect();
    }
  });

  it('v1 API, completions wire: POST /openai/v1/chat/completions', async () => {
    const keyless = await keylessSession(v1(), { wireApi: 'completions' });
    try {
      expect((await keyless.sendAndWait({ prompt: 'Say pong' }))?.data.content).toBe('pong');
      expect(expectEveryTokenAccepted().map((request) => request.path)).toEqual([
        '/openai/v1/chat/completions',
      ]);
    } finally {
      await keyless.disconnect();
    }
  });

  it('dated API (type azure, host only, api-version): the deployment route with a cognitiveservices token', async () => {
    const keyless = await keylessSession(emulator.urls.azureOpenAI, { wireApi: 'completions' });
    try {
      expect((await keyless.sendAndWait({ prompt: 'Say pong' }))?.data.content).toBe('pong');
      const [request] = modelRequests(emulator.emulator);
      expect(request?.path).toBe('/openai/deployments/gpt-4o/chat/completions');
      expect(request?.query['api-version']).toBe(emulator.apiVersion);
      expect(expectEveryTokenAccepted()[0]?.audience).toBe('https://cognitiveservices.azure.com');
    } finally {
      await keyless.disconnect();
    }
  });

  it('streaming on, both wire APIs: every streamed request carries an accepted token', async () => {
    for (const wireApi of ['responses', 'completions'] as const) {
      emulator.requests.clear();
      const keyless = await keylessSession(v1(), { wireApi }, true);
      try {
        const deltas: string[] = [];
        keyless.on((event) => {
          if (event.type === 'assistant.message_delta') deltas.push(event.data.deltaContent);
        });
        expect((await keyless.sendAndWait({ prompt: 'Say pong' }))?.data.content).toBe('pong');
        expect(deltas.join('')).toBe('pong');
        expectEveryTokenAccepted();
        expect(modelRequests(emulator.emulator).map((request) => request.streamed)).toEqual([true]);
      } finally {
        await keyless.disconnect();
      }
    }
  });

  it('anthropic on Foundry (type anthropic, always streamed) with a token for AZURE_AUTH_SCOPE', async () => {
    const provider = await copilotProvider('anthropic/claude-sonnet', {
      env: {
        AZURE_AUTH_METHOD: 'azure_ad',
        ...emulator.credentialEnv('app-service'),
        AZURE_AUTH_SCOPE: 'https://ai.azure.com/.default',
        ANTHROPIC_END_POINT: emulator.urls.anthropicFoundry,
      },
    });
    const keyless = await createKeylessSession(copilot.client, {
      model: 'claude-sonnet-4.5',
      provider,
      onPermissionRequest: approveAll,
    });
    try {
      expect((await keyless.sendAndWait({ prompt: 'Say pong' }))?.data.content).toBe('pong');
      const summary = expectEveryTokenAccepted();
      expect(summary.map((request) => [request.path, request.audience])).toEqual([
        ['/anthropic/v1/messages', 'https://ai.azure.com'],
      ]);
    } finally {
      await keyless.disconnect();
    }
  });
});

describe('API keys, where keys are configured', () => {
  it.each([
    ['dated API', () => emulator.urls.azureOpenAI, '/openai/deployments/gpt-4o/chat/completions'],
    ['v1 API', () => emulator.urls.azureOpenAIv1, '/openai/v1/chat/completions'],
  ])('%s: apiKey, accepted by the endpoint', async (_name, endpoint, path) => {
    const provider = await copilotProvider('azure-openai/gpt-4o', {
      env: {
        AZURE_OPENAI_ENDPOINT: endpoint(),
        AZURE_OPENAI_API_VERSION: emulator.apiVersion,
        ...emulator.keyEnv,
      },
    });
    expect(provider.apiKey).toBe(emulator.apiKeys.azureOpenAI);
    const keyless = await createKeylessSession(copilot.client, {
      model: 'gpt-4o',
      provider,
      onPermissionRequest: approveAll,
    });
    try {
      expect((await keyless.sendAndWait({ prompt: 'Say pong' }))?.data.content).toBe('pong');
      const requests = modelRequests(emulator.emulator);
      expect(
        requests.map((request) => [request.path, request.status, request.auth.accepted]),
      ).toEqual([[path, 200, true]]);
      expect(emulator.requests.ofKind('identity')).toHaveLength(0);
    } finally {
      await keyless.disconnect();
    }
  });
});

describe('short-lived tokens', () => {
  it('a session of several token lifetimes: no expired token, about one identity call per lifetime', async () => {
    const lifetimeSeconds = 4;
    emulator.setTokenLifetime(lifetimeSeconds);
    const keyless = await keylessSession(v1(), { wireApi: 'responses' });
    const identityBefore = emulator.tokenRequestCount;
    const started = Date.now();
    let turns = 0;
    try {
      // Turns back to back for a little over three lifetimes.
      while (Date.now() - started < 3.5 * lifetimeSeconds * 1000) {
        expect((await keyless.sendAndWait({ prompt: `turn ${turns}` }))?.data.content).toBe('pong');
        turns += 1;
      }
    } finally {
      await keyless.disconnect();
    }
    const lifetimes = (Date.now() - started) / (lifetimeSeconds * 1000);
    const summary = expectEveryTokenAccepted();
    expect(summary).toHaveLength(turns);
    const identityCalls = emulator.tokenRequestCount - identityBefore;
    // The cache refreshes a quarter of a lifetime ahead (the emulator's whole-second expiry can
    // shorten a lifetime by up to a second): about one call per lifetime, never one per request.
    expect(identityCalls).toBeGreaterThanOrEqual(Math.floor(lifetimes));
    expect(identityCalls).toBeLessThanOrEqual(Math.ceil(2 * lifetimes) + 1);
    expect(turns).toBeGreaterThan(identityCalls);
  });
});

describe('revocation (Continuous Access Evaluation)', () => {
  it('a token revoked mid-session: the 401 invalidates the cache, the runtime retry carries a fresh token, the session goes on', async () => {
    const keyless = await keylessSession(v1(), { wireApi: 'responses' });
    try {
      expect((await keyless.sendAndWait({ prompt: 'before' }))?.data.content).toBe('pong');
      expect(emulator.revokeIssuedTokens()).toBeGreaterThanOrEqual(1);
      expect((await keyless.sendAndWait({ prompt: 'after' }))?.data.content).toBe('pong');
      expect((await keyless.sendAndWait({ prompt: 'later' }))?.data.content).toBe('pong');

      const requests = modelRequests(emulator.emulator);
      expect(requests.map((request) => request.status)).toEqual([200, 401, 200, 200]);
      expect(requests[1]?.auth.reason).toMatch(/revoked/);
      expect(requests[2]?.auth.tokenId).not.toBe(requests[0]?.auth.tokenId);
      expect(requests[3]?.auth.tokenId).toBe(requests[2]?.auth.tokenId);
      expect(keyless.stats).toEqual({ unauthorized: 1, invalidations: 1, resumes: 0 });
    } finally {
      await keyless.disconnect();
    }
  });

  it('static tokens (tokenDelivery: static): the failed turn is resumed with a fresh bearerToken and sent again, once', async () => {
    const keyless = await keylessSession(v1(), { wireApi: 'responses', tokenDelivery: 'static' });
    try {
      expect((await keyless.sendAndWait({ prompt: 'before' }))?.data.content).toBe('pong');
      emulator.revokeIssuedTokens();
      expect((await keyless.sendAndWait({ prompt: 'after' }))?.data.content).toBe('pong');

      const statuses = modelRequests(emulator.emulator).map((request) => request.status);
      // The runtime tries the revoked static token three times, then the resumed session succeeds.
      expect(statuses).toEqual([200, 401, 401, 401, 200]);
      expect(keyless.stats).toMatchObject({ unauthorized: 3, invalidations: 1, resumes: 1 });
      const last = modelRequests(emulator.emulator).at(-1);
      expect(last?.auth).toMatchObject({ accepted: true, expired: false });
    } finally {
      await keyless.disconnect();
    }
  });
});

// Last in the file: the managed-identity case leaves a revoked hour-long token in msal-node's
// process-wide cache.
describe('keylessRequestHandler: the 401 answered in this process, with the CAE claims', () => {
  let handled: StartedCopilot;
  beforeAll(async () => {
    handled = await startCopilot(emulator.emulator, {
      requestHandler: keylessRequestHandler(CopilotRequestHandler),
    });
  });
  afterAll(async () => {
    await handled?.stop();
  });

  async function handledSession(options: Parameters<typeof copilotProvider>[1]) {
    const provider = await copilotProvider('azure-openai/gpt-4o', {
      env: managedIdentityEnv(emulator.emulator, v1()),
      wireApi: 'responses',
      ...options,
    });
    return createKeylessSession(handled.client, {
      model: 'gpt-4o',
      provider,
      onPermissionRequest: approveAll,
    });
  }

  it('a revoked token: the claims of the challenge reach the token fetch, the request is sent again, the runtime never sees the 401', async () => {
    const fetchedWith: Array<string | undefined> = [];
    const tokenProvider = cachedTokenProvider(async (_signal, claims) => {
      fetchedWith.push(claims);
      return emulator.issueToken({ audience: 'https://ai.azure.com', lifetimeSeconds: 3600 });
    });
    const keyless = await handledSession({ tokenProvider });
    try {
      expect((await keyless.sendAndWait({ prompt: 'before' }))?.data.content).toBe('pong');
      emulator.revokeIssuedTokens();
      expect((await keyless.sendAndWait({ prompt: 'after' }))?.data.content).toBe('pong');
      const requests = modelRequests(emulator.emulator);
      expect(requests.map((request) => request.status)).toEqual([200, 401, 200]);
      expect(requests[1]?.auth.reason).toMatch(/revoked/);
      expect(fetchedWith).toHaveLength(2);
      expect(fetchedWith[0]).toBeUndefined();
      expect(JSON.parse(fetchedWith[1] ?? '{}')).toMatchObject({
        access_token: { nbf: { essential: true } },
      });
      expect(keyless.stats.unauthorized).toBe(0);
    } finally {
      await keyless.disconnect();
    }
  });

  it('managed identity with hour-long tokens cannot replace a revoked one: the turn fails with the reason, no loop', async () => {
    emulator.setTokenLifetime(3600);
    const keyless = await handledSession({});
    try {
      expect((await keyless.sendAndWait({ prompt: 'before' }))?.data.content).toBe('pong');
      emulator.revokeIssuedTokens();
      const failure = await keyless.sendAndWait({ prompt: 'after' }).catch((error: Error) => error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/Continuous Access Evaluation/);
      expect((failure as Error).message).toMatch(/Restart the process/);
      // The revoked token went out once; the runtime's retries stopped at the token provider.
      const unauthorized = modelRequests(emulator.emulator).filter(
        (request) => request.status === 401,
      );
      expect(unauthorized.length).toBeGreaterThanOrEqual(1);
      expect(unauthorized.length).toBeLessThanOrEqual(3);
    } finally {
      await keyless.disconnect();
    }
  });
});
