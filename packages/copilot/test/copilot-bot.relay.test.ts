import { cachedTokenProvider } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { type ModelConnection, ResolvedConnection } from '@bots/providers';
import { beforeEach, describe, expect, test } from 'vitest';
import {
  type ModelRelayStats,
  RELAY_ORIGIN,
  relayModelRequest,
  relayTarget,
} from '../src/contained-model-relay.js';
import { containedProviderConfig, PLACEHOLDER_TOKEN } from '../src/index.js';

const emulator = useEmulator({ script: () => 'relayed reply' });

const dated = (endpoint: string): ModelConnection => ({
  provider: 'azure-openai',
  model: 'gpt-4o-mini',
  endpoint,
  client: 'AzureOpenAI',
  auth: 'token',
  api: 'deployments',
  apiVersion: '2024-10-21',
  wireApi: 'completions',
});

describe('relayTarget (pure)', () => {
  const connection = dated('https://example.openai.azure.com');
  const chat = `${RELAY_ORIGIN}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`;

  test('the model routes of the connection go to its endpoint', () => {
    expect(relayTarget('POST', chat, connection)).toEqual({
      target: new URL(
        'https://example.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21',
      ),
    });
    expect(
      relayTarget('POST', `${RELAY_ORIGIN}/openai/responses?api-version=2024-10-21`, connection),
    ).toHaveProperty('target');
  });

  test.each([
    ['GET', chat, 'only POST is relayed'],
    ['POST', chat.replace('gpt-4o-mini', 'other-deployment'), 'not a model route'],
    ['POST', `${RELAY_ORIGIN}/openai/deployments/gpt-4o-mini/extensions`, 'not a model route'],
    [
      'POST',
      `${RELAY_ORIGIN}/openai/deployments/gpt-4o-mini/chat/completions/../../x`,
      'not a model route',
    ],
    ['POST', `${chat}&x=1`, 'a query other than the api-version of the connection'],
    [
      'POST',
      chat.replace('2024-10-21', '2099-01-01'),
      'a query other than the api-version of the connection',
    ],
    ['POST', chat.replace(RELAY_ORIGIN, 'http://127.0.0.1:9'), `only ${RELAY_ORIGIN} is relayed`],
    ['POST', 'not a url', 'not a URL'],
  ])('%s %s is refused: %s', (method, url, reason) => {
    expect(relayTarget(method, url, connection)).toEqual({ refused: reason });
  });

  test('the CLI is given the relay origin and the placeholder, never the endpoint or a token', () => {
    expect(containedProviderConfig(connection)).toEqual({
      type: 'azure',
      baseUrl: RELAY_ORIGIN,
      bearerToken: PLACEHOLDER_TOKEN,
      wireApi: 'completions',
      wireModel: 'gpt-4o-mini',
      azure: { apiVersion: '2024-10-21' },
    });
    expect(
      containedProviderConfig({
        ...connection,
        endpoint: 'https://example.openai.azure.com/openai/v1',
        api: 'v1',
        wireApi: 'responses',
      }),
    ).toEqual({
      type: 'openai',
      baseUrl: `${RELAY_ORIGIN}/openai/v1/`,
      bearerToken: PLACEHOLDER_TOKEN,
      wireApi: 'responses',
      wireModel: 'gpt-4o-mini',
    });
  });
});

describe('relayModelRequest against the emulator', () => {
  let stats: ModelRelayStats;
  let issued: string[];
  let claimsSeen: (string | undefined)[];
  beforeEach(() => {
    stats = { forwarded: 0, retriedAfter401: 0, refused: [] };
    issued = [];
    claimsSeen = [];
  });

  function resolved(): ResolvedConnection {
    const tokenProvider = cachedTokenProvider(async (_signal, claims) => {
      claimsSeen.push(claims);
      const token = emulator.issueToken({ audience: 'https://cognitiveservices.azure.com' });
      issued.push(token.tokenId);
      return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
    });
    return new ResolvedConnection(dated(emulator.urls.azureOpenAI), { tokenProvider });
  }

  const chatRequest = (
    url = `${RELAY_ORIGIN}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
  ) =>
    new Request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${PLACEHOLDER_TOKEN}`,
        'api-key': 'not-forwarded',
        cookie: 'a=b',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });

  test('forwards a model request with a fresh token in place of the placeholder', async () => {
    const response = await relayModelRequest(chatRequest(), new AbortController().signal, {
      resolved: resolved(),
      stats,
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('relayed reply');
    const seen = emulator.requests.last('azure-openai');
    expect(seen?.auth).toMatchObject({ scheme: 'bearer', accepted: true, tokenId: issued[0] });
    expect(seen?.headers?.['cookie']).toBeUndefined();
    expect(seen?.headers?.['api-key']).toBeUndefined();
    expect(stats).toEqual({ forwarded: 1, retriedAfter401: 0, refused: [] });
  });

  test('after a 401 (revoked token, CAE challenge) it invalidates with the claims and retries once', async () => {
    const connection = resolved();
    const first = await relayModelRequest(chatRequest(), new AbortController().signal, {
      resolved: connection,
      stats,
    });
    expect(first.status).toBe(200);
    emulator.revokeIssuedTokens();
    const second = await relayModelRequest(chatRequest(), new AbortController().signal, {
      resolved: connection,
      stats,
    });
    expect(second.status).toBe(200);
    expect(stats.retriedAfter401).toBe(1);
    expect(issued).toHaveLength(2);
    expect(claimsSeen[0]).toBeUndefined();
    expect(claimsSeen[1]).toMatch(/"access_token"/);
    const statuses = emulator.requests
      .ofKind('azure-openai')
      .slice(-3)
      .map((request) => request.status);
    expect(statuses).toEqual([200, 401, 200]);
  });

  test('a non-model route never reaches the endpoint', async () => {
    const before = emulator.requests.ofKind('azure-openai').length;
    const refused: unknown[] = [];
    const response = await relayModelRequest(
      chatRequest(`${RELAY_ORIGIN}/openai/deployments/gpt-4o-mini/files`),
      new AbortController().signal,
      { resolved: resolved(), stats, onRefused: (entry) => refused.push(entry) },
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('forwards model requests only');
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(before);
    expect(issued).toHaveLength(0);
    expect(refused).toEqual([
      {
        method: 'POST',
        path: '/openai/deployments/gpt-4o-mini/files',
        reason: 'not a model route',
      },
    ]);
    expect(stats.refused).toEqual(refused);
  });
});
