import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MicroBot } from '@bots/core';
import { answerReply, commandReply, FakeEnvironment, ScriptedChatModel } from '@bots/core/testing';
import { type Emulator, startEmulator } from '@bots/emulator';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { CHROMIUM, chromiumAvailability, describeWhen } from '../test/availability.js';
import { browserTool } from './browser-tool.js';
import { BrowsingBot } from './browsing-bot.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';

describeWhen('local runner (host Chromium, no Docker)', chromiumAvailability(), () => {
  let emulator: Emulator;
  let site: SampleSite;

  beforeAll(async () => {
    emulator = await startEmulator({ script: sampleSiteScript });
    // One emulator per file: msal-node keeps the first IDENTITY_ENDPOINT of the process.
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    site = await startSampleSite();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await site?.close();
    await emulator?.close();
  });

  test('answers a question that needs a click and a form fill, keyless through azure_ad', async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
      runner: 'local',
    });
    const steps: string[] = [];
    const result = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      timeoutMs: 60_000,
      onStep: (step) => steps.push(step.command),
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('success');
    expect(result.result).toBe('The book "Dune" is on shelf B-42.');
    expect(steps).toEqual([`open ${site.url}`, 'click 2', 'type 1 "Dune"', 'click 2', '']);
    expect(site.visits).toContain('/results?title=Dune');
    expect(result.runner).toBe('local');
    expect(result.auth).toBe('token');
    const calls = emulator.requests.ofKind('azure-openai');
    expect(calls).toHaveLength(5);
    for (const call of calls) expect(call.auth).toMatchObject({ scheme: 'bearer', accepted: true });
  });

  test('a MicroBot calls the browser as a tool, with its own token provider', async () => {
    const audience = 'https://cognitiveservices.azure.com';
    let tokens = 0;
    const tokenProvider = async () => {
      tokens++;
      return emulator.issueToken({ audience }).token;
    };
    const boss = new ScriptedChatModel({
      replies: [
        commandReply(`browse "On the site ${site.url} find the shelf of the book \\"Dune\\"."`),
        (request) => answerReply(`Found: ${request.messages.at(-1)?.content.split('\n').at(-1)}`),
      ],
    });
    const bot = new MicroBot({
      model: boss,
      environment: new FakeEnvironment(),
      tokenProvider,
      tools: [browserTool({ runner: 'local', model: 'azure-openai/gpt-4o', env: emulator.env })],
    });
    try {
      const result = await bot.run('Which shelf holds Dune?', { timeoutMs: 60_000 });
      expect(result.error).toBeUndefined();
      expect(result.result).toBe('Found: The book "Dune" is on shelf B-42.');
      expect(result.steps[0]).toMatchObject({ kind: 'tool', tool: 'browse', exitCode: 0 });
      expect(tokens).toBeGreaterThan(0);
    } finally {
      await bot.dispose();
    }
  });

  test('abort and timeout stop the local browser too', async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, ...emulator.keyEnv },
      runner: 'local',
    });
    const controller = new AbortController();
    emulator.inject({ delayMs: 1_000 }, { times: 10, kinds: ['azure-openai'] });
    const aborted = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      signal: controller.signal,
      onStep: () => controller.abort(),
    });
    expect([aborted.status, aborted.error?.name]).toEqual(['aborted', 'RunAbortedError']);
    emulator.clearFaults();
    emulator.inject({ delayMs: 30_000 }, { times: 2, kinds: ['azure-openai'] });
    const started = Date.now();
    const timedOut = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      timeoutMs: 2_000,
    });
    emulator.clearFaults();
    expect([timedOut.status, timedOut.error?.name]).toEqual(['timeout', 'RunTimeoutError']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("Chromium's own sandbox: off as root (Chromium refuses it), with a clear line when asked for", async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, ...emulator.keyEnv },
      runner: 'local',
    });
    const asRoot = process.getuid?.() === 0;
    const defaults: string[] = [];
    const byDefault = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      timeoutMs: 60_000,
      onProgress: (line) => defaults.push(line),
    });
    expect(byDefault.status, byDefault.error?.message).toBe('success');
    expect(defaults.join('\n')).toContain(`Chromium's own sandbox ${asRoot ? 'off' : 'on'})`);
    expect(defaults.join('\n')).not.toContain('does not start here');
    if (!asRoot) return; // the refusal below is root's; the unprivileged case is the next test
    const forced: string[] = [];
    const result = await new BrowsingBot({ ...bot.options, chromiumSandbox: true }).run(
      `On the site ${site.url} find the shelf of the book "Dune".`,
      { timeoutMs: 60_000, onProgress: (line) => forced.push(line) },
    );
    expect(result.status, result.error?.message).toBe('success');
    expect(forced.join('\n')).toMatch(
      /Chromium's own sandbox does not start here \(.*\); running Chromium with --no-sandbox/,
    );
    expect(forced.join('\n')).toContain("Chromium's own sandbox off)");
  });

  test.skipIf(process.getuid?.() !== 0)(
    `as an unprivileged user the local runner keeps Chromium's own sandbox${process.getuid?.() === 0 ? '' : ' (skipped: the test drops privileges from root)'}`,
    async () => {
      const nobody = { uid: 65534, gid: 65534 };
      const home = mkdtempSync(join(tmpdir(), 'bots-nobody-'));
      spawnSync('chown', [`${nobody.uid}:${nobody.gid}`, home]);
      try {
        // Whether Chromium's sandbox starts for this user on this machine (user namespaces).
        const probe = spawnSync(
          CHROMIUM,
          [
            '--headless',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            `--user-data-dir=${join(home, 'probe')}`,
            '--dump-dom',
            'data:text/html,<p>sandbox-probe</p>',
          ],
          {
            ...nobody,
            env: { PATH: process.env['PATH'], HOME: home },
            encoding: 'utf8',
            timeout: 60_000,
          },
        );
        const sandboxWorks = probe.stdout.includes('sandbox-probe');
        const child = spawn(
          process.execPath,
          [
            fileURLToPath(new URL('../test/local-runner-child.mjs', import.meta.url)),
            `On the site ${site.url} find the shelf of the book "Dune".`,
          ],
          {
            ...nobody,
            env: {
              PATH: process.env['PATH'],
              HOME: home,
              TMPDIR: home,
              BOTS_TEST_ENV: JSON.stringify({ ...emulator.env, ...emulator.keyEnv }),
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        // Chromium's command lines while the task runs, as the kernel has them.
        const commandLines = new Set<string>();
        const watcher = setInterval(() => {
          for (const line of chromiumCommandLines(nobody.uid)) commandLines.add(line);
        }, 100);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
        });
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        clearInterval(watcher);
        expect(
          commandLines.size,
          'Chromium was seen running as the unprivileged user',
        ).toBeGreaterThan(0);
        expect(code, stderr).toBe(0);
        const { result, progress, uid } = JSON.parse(stdout) as {
          result: { status: string; result?: string };
          progress: string[];
          uid: number;
        };
        expect(uid).toBe(nobody.uid);
        expect(result).toMatchObject({
          status: 'success',
          result: 'The book "Dune" is on shelf B-42.',
        });
        if (sandboxWorks) {
          expect(progress.join('\n')).toContain("Chromium's own sandbox on)");
          expect(progress.join('\n')).not.toContain('does not start here');
          expect([...commandLines].filter((line) => line.includes('--no-sandbox'))).toEqual([]);
        } else {
          // No user namespaces here: the run goes on without the sandbox, and says so.
          expect(progress.join('\n')).toContain("Chromium's own sandbox does not start here");
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});

/** Command lines of the Chromium processes of a user (from /proc). */
function chromiumCommandLines(uid: number): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) continue;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (/chrom/i.test(commandLine.split(' ')[0] ?? '')) lines.push(commandLine);
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}
