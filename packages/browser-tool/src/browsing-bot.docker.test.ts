import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tokenProviderFromEnv } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { describeWhen, dockerAvailability } from '@bots/test-kit';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { browserContainers } from '../test/docker-support.js';
import { ensureBrowserImage } from './browser-image.js';
import { BrowsingBot } from './browsing-bot.js';
import { runBrowserTask } from './run-browser-task.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';

const availability = await dockerAvailability();

describeWhen('BrowsingBot in the browser container (Docker engine)', availability, () => {
  const emulator = useEmulator({ script: sampleSiteScript });
  let site: SampleSite;
  let image: string;
  let task: string;
  const env = () => ({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' });

  beforeAll(async () => {
    // One emulator per file: msal-node keeps the first IDENTITY_ENDPOINT of the process.
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    site = await startSampleSite();
    task = `On the site ${site.url} find the shelf of the book "Dune".`;
    image = await ensureBrowserImage({ onProgress: () => undefined, pruneOld: false });
  }, 900_000);
  afterEach(() => {
    emulator.clearFaults();
    emulator.setScript(sampleSiteScript);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await site?.close();
  });

  test('answers a question that needs a click and a form fill, keyless; the runner chosen is Docker, and says why', async () => {
    // No runner option: Docker, since an engine answers.
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: env(),
      allowHosts: [site.host],
    });
    const progress: string[] = [];
    const commands: string[] = [];
    emulator.requests.clear();
    const result = await bot.run(task, {
      timeoutMs: 90_000,
      onStep: (step) => commands.push(step.command),
      onProgress: (line) => progress.push(line),
    });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({
      status: 'success',
      result: 'The book "Dune" is on shelf B-42.',
      runner: 'docker',
      auth: 'token',
    });
    // Chromium's own background requests to its vendor's hosts may be refused; nothing of the site.
    expect(result.refusedRequests.filter((entry) => entry.target.includes('127.0.0.1'))).toEqual(
      [],
    );
    expect(result.runnerReason).toMatch(/^the browser image in Docker \(engine .*answers at /);
    expect(progress[0]).toBe(`Browser runner: ${result.runnerReason}`);
    expect(commands).toEqual([`open ${site.url}`, 'click 2', 'type 1 "Dune"', 'click 2', '']);
    expect(result.steps.map((step) => step.kind)).toEqual([
      'command',
      'command',
      'command',
      'command',
      'answer',
    ]);
    expect(result.iterations).toBe(5);
    expect(result.timings.firstPageMs).toBeGreaterThan(0);
    expect(site.visits).toContain('/results?title=Dune');
    expect(progress.join('\n')).toMatch(
      /Browser container \w+ started from bots-browser:\w+ .*no network, model calls made by this process, auth: token/,
    );
    // The model calls were made by this process for the container, with tokens of the managed
    // identity, accepted.
    const issued = emulator.requests
      .ofKind('identity')
      .map((request) => request.issuedToken?.tokenId);
    const calls = emulator.requests.ofKind('azure-openai');
    expect(calls).toHaveLength(5);
    for (const call of calls) {
      expect(call.auth).toMatchObject({
        scheme: 'bearer',
        accepted: true,
        audience: 'https://cognitiveservices.azure.com',
      });
      expect(issued).toContain(call.auth?.tokenId);
    }
    expect(await browserContainers()).toEqual([]);
    console.info(
      `[bench] docker browser task: run() to first page ${result.timings.firstPageMs} ms, container start ${result.timings.startedMs} ms, whole task ${result.durationMs} ms`,
    );
  });

  test('the token is in no image layer, no output, no progress line, no result', async () => {
    const inner = await tokenProviderFromEnv({ env: env(), provider: 'azure-openai' });
    if (!inner) throw new Error('azure_ad gave no token provider');
    const tokens: string[] = [];
    const tokenProvider = Object.assign(
      async () => {
        const token = await inner();
        tokens.push(token);
        return token;
      },
      { invalidate: () => inner.invalidate() },
    );
    const progress: string[] = [];
    emulator.requests.clear();
    const result = await runBrowserTask(task, {
      model: 'azure-openai/gpt-4o',
      env: env(),
      tokenProvider,
      allowHosts: [site.host],
      onProgress: (line) => progress.push(line),
      timeoutMs: 90_000,
    });
    expect(result.status).toBe('success');
    expect(tokens.length).toBeGreaterThan(0);
    // Every model call carried a token of this provider (the host made them).
    const ids = tokens.map(
      (token) =>
        (
          JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
            jti: string;
          }
        ).jti,
    );
    for (const call of emulator.requests.ofKind('azure-openai'))
      expect(ids).toContain(call.auth?.tokenId);
    const history = execFileSync('docker', ['history', '--no-trunc', image], { encoding: 'utf8' });
    const inspect = execFileSync('docker', ['image', 'inspect', image], { encoding: 'utf8' });
    const everything = [history, inspect, JSON.stringify(result), progress.join('\n')].join('\n');
    for (const token of tokens) expect(everything.includes(token)).toBe(false);
    expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(history).not.toMatch(/AZURE_OPENAI_AD_TOKEN|BOTS_TOKEN_SECRET/);
    expect(await browserContainers()).toEqual([]);
  });

  test('a failed task is reported and its container removed', async () => {
    emulator.setScript(() => 'not json at all');
    const result = await runBrowserTask(task, {
      model: 'azure-openai/gpt-4o',
      env: env(),
      allowHosts: [site.host],
      timeoutMs: 90_000,
    });
    expect({ status: result.status, error: result.error }).toMatchObject({
      status: 'failed',
      error: { name: 'ModelFormatError' },
    });
    expect(result.steps.every((step) => step.kind === 'format-error')).toBe(true);
    expect(await browserContainers()).toEqual([]);
  });

  test('abort removes the container and reports aborted', async () => {
    const controller = new AbortController();
    emulator.inject({ delayMs: 1_000 }, { times: 20 });
    const result = await runBrowserTask(task, {
      model: 'azure-openai/gpt-4o',
      env: env(),
      allowHosts: [site.host],
      signal: controller.signal,
      onStep: () => controller.abort(),
    });
    expect({ status: result.status, error: result.error }).toMatchObject({
      status: 'aborted',
      error: { name: 'RunAbortedError' },
    });
    expect(result.steps.length).toBeGreaterThanOrEqual(1);
    expect(await browserContainers()).toEqual([]);
  });

  test('timeout removes the container and reports timeout', async () => {
    emulator.inject({ delayMs: 30_000 }, { times: 5 });
    const started = Date.now();
    const result = await runBrowserTask(task, {
      model: 'azure-openai/gpt-4o',
      env: env(),
      allowHosts: [site.host],
      timeoutMs: 4_000,
    });
    expect({ status: result.status, error: result.error }).toMatchObject({
      status: 'timeout',
      error: { name: 'RunTimeoutError' },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await browserContainers()).toEqual([]);
  });

  test('keys mode: the key of this process, when there is no token provider (the container never gets it)', async () => {
    emulator.requests.clear();
    const result = await runBrowserTask(task, {
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, ...emulator.keyEnv },
      allowHosts: [site.host],
      timeoutMs: 90_000,
    });
    expect(result).toMatchObject({
      status: 'success',
      auth: 'key',
      result: 'The book "Dune" is on shelf B-42.',
    });
    for (const call of emulator.requests.ofKind('azure-openai'))
      expect(call.auth).toMatchObject({ scheme: 'api-key', accepted: true });
    expect(await browserContainers()).toEqual([]);
  });

  test('SIGINT (Ctrl-C) in the host process removes the container', async () => {
    // The first model call answers at once (open), the second waits until the test ends: the
    // container is running when the host process gets SIGINT.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    emulator.setScript(async (request) => {
      if (request.messages.length > 2) await held;
      return sampleSiteScript(request);
    });
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('../test/sigint-child.mjs', import.meta.url)), task],
      {
        env: {
          ...process.env,
          BOTS_TEST_ENV: JSON.stringify({ ...emulator.env, ...emulator.keyEnv }),
          BOTS_TEST_ALLOW: site.host,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no step from the child: ${output}`)),
        60_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('STEP')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    try {
      expect(await browserContainers(child.pid)).toHaveLength(1);
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
    } finally {
      release();
    }
    expect(output).not.toContain('FINISHED');
    expect(await browserContainers(child.pid)).toEqual([]);
  });
});
