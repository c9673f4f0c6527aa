import { PassThrough } from 'node:stream';
import { tokenProviderFromEnv } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { describeWhen, dockerAvailability } from '@bots/test-kit';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { browserContainers } from '../test/docker-support.js';
import { ensureBrowserImage } from './browser-image.js';
import { BrowsingBot } from './browsing-bot.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';
import { startTokenChannel } from './token-channel.js';

const availability = await dockerAvailability();

// A file of its own: its emulator issues 3-second tokens from the first request on (msal-node
// keeps the first IDENTITY_ENDPOINT and its token cache per process).
describeWhen(
  'token refresh channel: tasks longer than a token lifetime (Docker engine)',
  availability,
  () => {
    const emulator = useEmulator({ script: sampleSiteScript, tokenLifetimeSeconds: 3 });
    let site: SampleSite;
    let image: string;

    beforeAll(async () => {
      vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
      vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
      site = await startSampleSite();
      image = await ensureBrowserImage({ pruneOld: false });
    }, 900_000);
    afterAll(async () => {
      vi.unstubAllEnvs();
      await site?.close();
    });

    test('a task that runs for several token lifetimes completes; no expired or rejected token', async () => {
      // Each model call answers 2.5 s late: 5 calls take about 12 s, four lifetimes of a token.
      emulator.inject({ delayMs: 2_500 }, { times: 5, kinds: ['azure-openai'] });
      const bot = new BrowsingBot({
        model: 'azure-openai/gpt-4o',
        env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
        runner: 'docker',
        allowHosts: [site.host],
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
      // The container never held one: this process used fresh tokens as the old ones neared expiry.
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

    /** The image run by hand, as a user would: `docker run -e AZURE_OPENAI_AD_TOKEN=... image "task"`. */
    async function runImageByHand(env: string[]): Promise<{ code: number; output: string }> {
      const docker = new Docker();
      const container = await docker.createContainer({
        Image: image,
        Cmd: [`On the site ${site.url} find the shelf of the book "Dune".`],
        Env: ['HOME=/tmp', `BROWSER_ALLOW_HOSTS=${site.host}`, ...env],
        User: '65534:65534',
        Labels: { 'bots.browser': '1', 'bots.pid': String(process.pid) },
        // The engine here has no bridge network: the host's, to reach the emulator on loopback.
        HostConfig: {
          NetworkMode: 'host',
          CapDrop: ['ALL'],
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': 'rw,size=512m' },
          ShmSize: 256 * 1024 ** 2,
          Init: true,
        },
      });
      try {
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode: number };
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let output = '';
        for (const stream of [stdout, stderr])
          stream.on('data', (chunk: Buffer) => {
            output += chunk.toString('utf8');
          });
        const logs = await container.logs({ stdout: true, stderr: true, follow: true });
        await new Promise<void>((resolve) => {
          docker.modem.demuxStream(logs, stdout, stderr);
          logs.on('end', () => resolve());
        });
        return { code: StatusCode, output };
      } finally {
        await container.remove({ force: true });
      }
    }

    test('compatible mode: the image run by hand with AZURE_OPENAI_AD_TOKEN lives through the token channel, and dies without it', async () => {
      const provider = await tokenProviderFromEnv({
        env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
        provider: 'azure-openai',
      });
      if (!provider) throw new Error('azure_ad gave no token provider');
      const settings = [
        `AZURE_OPENAI_ENDPOINT=${emulator.env.OPEN_AI_END_POINT}`,
        `AZURE_OPENAI_API_VERSION=${emulator.env.OPEN_AI_API_VERSION}`,
        'AZURE_OPENAI_DEPLOYMENT_NAME=gpt-4o',
      ];
      const channel = await startTokenChannel(provider);
      try {
        emulator.inject({ delayMs: 2_500 }, { times: 5, kinds: ['azure-openai'] });
        const lived = await runImageByHand([
          ...settings,
          `AZURE_OPENAI_AD_TOKEN=${await provider()}`,
          `BOTS_TOKEN_ENDPOINT=${channel.url}`,
          `BOTS_TOKEN_SECRET=${channel.secret}`,
        ]);
        expect(lived.output).toMatch(/^Final Result: The book "Dune" is on shelf B-42\.$/m);
        expect(lived.code).toBe(0);
        expect(channel.stats.served).toBeGreaterThanOrEqual(2);
      } finally {
        await channel.close();
      }
      emulator.clearFaults();
      emulator.inject({ delayMs: 2_500 }, { times: 5, kinds: ['azure-openai'] });
      emulator.requests.clear();
      // One injected token and no channel, as the reference did: the task dies with the token.
      const died = await runImageByHand([...settings, `AZURE_OPENAI_AD_TOKEN=${await provider()}`]);
      emulator.clearFaults();
      expect(died.code).toBe(1);
      expect(died.output).toMatch(/^Final Error: \w*AuthenticationError: .*no token channel/m);
      const rejected = emulator.requests
        .ofKind('azure-openai')
        .filter((call) => call.auth?.accepted === false);
      expect(rejected[0]?.auth?.reason).toMatch(/expired/);
      expect(await browserContainers()).toEqual([]);
    });
  },
);
