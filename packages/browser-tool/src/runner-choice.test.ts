// Which runner a browser task uses when none is forced (Docker when an engine answers, else this
// host's Chromium), and what the user is told: against real engines (the one here, a socket
// path where none listens, a socket that accepts and never answers).
import { createServer, type Server } from 'node:net';
import { ConfigurationError } from '@bots/auth';
import { startEmulator } from '@bots/emulator';
import { CHROMIUM, chromiumAvailability, dockerAvailability, testWhen } from '@bots/test-kit';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BrowsingBot } from './browsing-bot.js';
import { chooseBrowserRunner } from './runner-choice.js';
import { sampleSiteScript, sampleTask, startSampleSite } from './testing/index.js';

const noEngine = new Docker({ socketPath: '/nonexistent/docker.sock' });
const missingChromium = '/nonexistent/chromium';
// In CI a missing Chromium or engine fails these tests instead of skipping them (testWhen).
const chromium = chromiumAvailability();
const docker = await dockerAvailability();

describe('the runner choice', () => {
  let silent: Server;
  let silentPort = 0;
  beforeAll(async () => {
    // An engine address that accepts the connection and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    silent.close();
  });

  testWhen(chromium)(`no engine answers: this host's Chromium, and why`, async () => {
    expect(await chooseBrowserRunner({ docker: noEngine, executablePath: CHROMIUM })).toEqual({
      runner: 'local',
      reason: `this host's Chromium at ${CHROMIUM}, no container (no Docker engine answers at unix:///nonexistent/docker.sock (ENOENT))`,
    });
    const hanging = new Docker({ host: '127.0.0.1', port: silentPort, protocol: 'http' });
    const choice = await chooseBrowserRunner({
      docker: hanging,
      executablePath: CHROMIUM,
      timeoutMs: 500,
    });
    expect(choice.runner).toBe('local');
    expect(choice.reason).toMatch(
      /no Docker engine answers at tcp:\/\/127\.0\.0\.1:\d+ \(no answer within 500 ms\)/,
    );
  });

  test('nothing to run: a ConfigurationError that says what to install or start', async () => {
    const failure = await chooseBrowserRunner({
      docker: noEngine,
      executablePath: missingChromium,
    }).catch((error) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toBe(
      'No browser to run: no Docker engine answers at unix:///nonexistent/docker.sock (ENOENT), and no Chromium at /nonexistent/chromium. To fix it, start a Docker engine (or set DOCKER_HOST), or install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH.',
    );
  });

  test('a forced runner that is missing is an error, never the other runner; the message names the option as the caller spells it', async () => {
    await expect(chooseBrowserRunner({ runner: 'docker', docker: noEngine })).rejects.toThrow(
      "runner: 'docker': no Docker engine answers at unix:///nonexistent/docker.sock (ENOENT). Start Docker (or set DOCKER_HOST to a running engine), or use runner: 'local' (this host's Chromium).",
    );
    await expect(
      chooseBrowserRunner({
        runner: 'local',
        executablePath: missingChromium,
        optionName: '--sandbox',
      }),
    ).rejects.toThrow(
      '--sandbox local: no Chromium at /nonexistent/chromium. To fix it, install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH; or use --sandbox docker with a running Docker engine.',
    );
    expect(
      await chooseBrowserRunner({
        env: { CHROMIUM_PATH: missingChromium },
        docker: noEngine,
      }).catch((error) => error),
    ).toBeInstanceOf(ConfigurationError);
  });

  testWhen(docker)(`an engine answers: Docker, with its version and address`, async () => {
    const choice = await chooseBrowserRunner({ executablePath: missingChromium });
    expect(choice.runner).toBe('docker');
    expect(choice.reason).toMatch(
      /^the browser image in Docker \(engine \S+ answers at unix:\/\/\//,
    );
    expect(
      (await chooseBrowserRunner({ runner: 'docker', optionName: '--sandbox' })).reason,
    ).toMatch(/^the browser image in Docker \(--sandbox docker; engine /);
  });

  testWhen(chromium)(
    `BrowsingBot without a runner on a machine without Docker: the run works, and the progress says where and why`,
    async () => {
      const site = await startSampleSite();
      const emulator = await startEmulator({ script: sampleSiteScript });
      try {
        const progress: string[] = [];
        const bot = new BrowsingBot({
          env: { ...emulator.env, ...emulator.keyEnv },
          model: 'azure-openai/gpt-4o',
          docker: noEngine,
          allowHosts: [site.host],
        });
        const result = await bot.run(sampleTask(site.url), {
          timeoutMs: 90_000,
          onProgress: (line) => progress.push(line),
        });
        expect(result.error).toBeUndefined();
        expect(result).toMatchObject({
          status: 'success',
          result: 'The book "Dune" is on shelf B-42.',
          runner: 'local',
          runnerReason: `this host's Chromium at ${CHROMIUM}, no container (no Docker engine answers at unix:///nonexistent/docker.sock (ENOENT))`,
        });
        expect(progress[0]).toBe(`Browser runner: ${result.runnerReason}`);
      } finally {
        await emulator.close();
        await site.close();
      }
    },
  );
});
