import { type Emulator, startEmulator } from '@bots/emulator';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { describeWhen, dockerAvailability } from '../test/availability.js';
import { browserContainers } from '../test/docker-support.js';
import { ensureBrowserImage } from './browser-image.js';
import { BrowsingBot } from './browsing-bot.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';

const availability = await dockerAvailability();

// A file of its own: its emulator issues 3-second tokens from the first request on (msal-node
// keeps the first IDENTITY_ENDPOINT and its token cache per process).
describeWhen(
  'token refresh channel: tasks longer than a token lifetime (Docker engine)',
  availability,
  () => {
    let emulator: Emulator;
    let site: SampleSite;

    beforeAll(async () => {
      emulator = await startEmulator({ script: sampleSiteScript, tokenLifetimeSeconds: 3 });
      vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
      vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
      site = await startSampleSite();
      await ensureBrowserImage();
    }, 900_000);
    afterAll(async () => {
      vi.unstubAllEnvs();
      await site?.close();
      await emulator?.close();
    });

    test('a task that runs for several token lifetimes completes; no expired or rejected token', async () => {
      // Each model call answers 2.5 s late: 5 calls take about 12 s, four lifetimes of a token.
      emulator.inject({ delayMs: 2_500 }, { times: 5, kinds: ['azure-openai'] });
      const bot = new BrowsingBot({
        model: 'azure-openai/gpt-4o',
        env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
      });
      const result = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
        timeoutMs: 120_000,
      });
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({
        status: 'success',
        result: 'The book "Dune" is on shelf B-42.',
      });
      expect(result.durationMs).toBeGreaterThan(3 * 3_000);
      const calls = emulator.requests.ofKind('azure-openai');
      expect(calls).toHaveLength(5);
      for (const call of calls) {
        expect(call.auth).toMatchObject({ scheme: 'bearer', accepted: true });
        expect(call.auth?.expired).not.toBe(true);
        expect(call.status).toBe(200);
      }
      const tokenIds = new Set(calls.map((call) => call.auth?.tokenId));
      expect(tokenIds.size).toBeGreaterThanOrEqual(3);
      // Fresh tokens reached the container through the channel, not by a new container.
      expect(result.tokenRefreshes).toBeGreaterThanOrEqual(2);
      expect(
        emulator.requests
          .all()
          .filter((request) => request.auth && request.auth.accepted === false),
      ).toEqual([]);
      expect(await browserContainers()).toEqual([]);
      console.info(
        `[bench] token refresh: ${result.durationMs} ms task, ${tokenIds.size} token ids, ${result.tokenRefreshes} channel refreshes`,
      );
    });

    test('without the channel (one injected token, as the reference did) the same task fails with 401', async () => {
      emulator.inject({ delayMs: 2_500 }, { times: 5, kinds: ['azure-openai'] });
      emulator.requests.clear();
      const bot = new BrowsingBot({
        model: 'azure-openai/gpt-4o',
        env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
        tokenRefresh: false,
      });
      const result = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
        timeoutMs: 120_000,
      });
      emulator.clearFaults();
      // The 401 makes the container ask for a fresh token, and there is no channel to ask.
      expect(result.status).toBe('failed');
      expect(result.error?.name).toMatch(/AuthenticationError$/);
      expect(result.error?.message).toMatch(/no token channel/);
      const rejected = emulator.requests
        .ofKind('azure-openai')
        .filter((call) => call.auth?.accepted === false);
      expect(rejected.length).toBeGreaterThan(0);
      expect(rejected[0]?.auth?.reason).toMatch(/expired/);
      expect(await browserContainers()).toEqual([]);
    });
  },
);
