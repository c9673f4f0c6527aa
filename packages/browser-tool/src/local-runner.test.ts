import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MicroBot } from '@bots/core';
import { answerReply, commandReply, FakeEnvironment, ScriptedChatModel } from '@bots/core/testing';
import { useEmulator } from '@bots/emulator/testing';
import { CHROMIUM, chromiumAvailability, describeWhen } from '@bots/test-kit';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { attackScript, startAttackSite, startSecretService } from '../test/attack-site.js';
import { processTree } from '../test/process-tree.js';
import { stageForUser } from '../test/stage-for-user.js';
import { browserTool } from './browser-tool.js';
import { BrowsingBot } from './browsing-bot.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';

describeWhen('local runner (host Chromium, no Docker)', chromiumAvailability(), () => {
  const emulator = useEmulator({ script: sampleSiteScript });
  let site: SampleSite;

  beforeAll(async () => {
    // One emulator per file: msal-node keeps the first IDENTITY_ENDPOINT of the process.
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    site = await startSampleSite();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await site?.close();
  });

  test('answers a question that needs a click and a form fill, keyless through azure_ad', async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
      runner: 'local',
      allowHosts: [site.host],
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
      tools: [
        browserTool({
          runner: 'local',
          model: 'azure-openai/gpt-4o',
          env: emulator.env,
          allowHosts: [site.host],
        }),
      ],
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

  test("this process's keys and identity secret are not in Chromium's environment (ps e)", async () => {
    const key = `key-${randomBytes(12).toString('hex')}`;
    vi.stubEnv('AZURE_OPENAI_API_KEY', key);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let waiting: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    emulator.setScript(async (request) => {
      if (request.messages.length > 2) {
        waiting();
        await held;
      }
      return sampleSiteScript(request);
    });
    try {
      const run = new BrowsingBot({
        model: 'azure-openai/gpt-4o',
        env: { ...emulator.env, ...emulator.keyEnv },
        runner: 'local',
        allowHosts: [site.host],
      }).run(`On the site ${site.url} find the shelf of the book "Dune".`, { timeoutMs: 60_000 });
      await reached;
      const environments: string[] = [];
      for (const pid of processTree(process.pid)) {
        try {
          const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (/chrom/i.test(line.split('\0')[0] ?? ''))
            environments.push(readFileSync(`/proc/${pid}/environ`, 'utf8'));
        } catch {
          // ended meanwhile
        }
      }
      release();
      expect((await run).status).toBe('success');
      expect(environments.length, 'Chromium processes of this run were seen').toBeGreaterThan(0);
      for (const environment of environments) {
        expect(environment.includes(key)).toBe(false);
        expect(environment.includes(emulator.keyEnv.AZURE_OPENAI_API_KEY ?? '-')).toBe(false);
        expect(environment.includes(emulator.env.IDENTITY_HEADER ?? '-')).toBe(false);
      }
    } finally {
      release();
      emulator.setScript(sampleSiteScript);
      vi.stubEnv('AZURE_OPENAI_API_KEY', undefined);
    }
  });

  test('abort and timeout stop the local browser too', async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, ...emulator.keyEnv },
      runner: 'local',
      allowHosts: [site.host],
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
      allowHosts: [site.host],
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
    `as an unprivileged user the local runner keeps Chromium's own sandbox and the host rule${process.getuid?.() === 0 ? '' : ' (skipped: the test drops privileges from root)'}`,
    async (context) => {
      const nobody = { uid: 65534, gid: 65534 };
      // What nobody runs is staged in a world-readable temporary folder: the checkout may sit
      // under a folder nobody cannot traverse (a home of mode 0700, a clone under mktemp -d).
      const staged = await stageForUser('test/local-runner-child.mjs', nobody);
      if ('skip' in staged) {
        context.skip(staged.skip);
        return;
      }
      const home = mkdtempSync(join(tmpdir(), 'bots-nobody-'));
      spawnSync('chown', [`${nobody.uid}:${nobody.gid}`, home]);
      const secret = await startSecretService();
      const attack = await startAttackSite(secret.port);
      emulator.setScript((request) =>
        request.messages.some((message) => message.content.includes(attack.url))
          ? attackScript(attack)(request)
          : sampleSiteScript(request),
      );
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
        const child = spawn(process.execPath, [staged.script], {
          ...nobody,
          cwd: staged.folder,
          env: {
            PATH: process.env['PATH'],
            HOME: home,
            TMPDIR: home,
            BOTS_TEST_ENV: JSON.stringify({ ...emulator.env, ...emulator.keyEnv }),
            BOTS_TEST_RUNS: JSON.stringify([
              {
                task: `On the site ${site.url} find the shelf of the book "Dune".`,
                allowHosts: [site.host],
              },
              { task: `Look at ${attack.url}`, allowHosts: [attack.host] },
            ]),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        // The command lines of the Chromium processes this child started (its process tree
        // only: another Chromium of the same user elsewhere on the machine is not ours).
        const commandLines = new Set<string>();
        const watcher = setInterval(() => {
          for (const pid of processTree(child.pid ?? -1)) {
            try {
              const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
              const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
              if (/chrom/i.test(line.split(' ')[0] ?? '')) commandLines.add(`${uid} ${line}`);
            } catch {
              // the process ended meanwhile
            }
          }
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
        expect(code, stderr).toBe(0);
        expect(
          commandLines.size,
          'Chromium was seen running as the unprivileged user',
        ).toBeGreaterThan(0);
        for (const line of commandLines) expect(line.startsWith(`${nobody.uid} `), line).toBe(true);
        const { results, uid } = JSON.parse(stdout) as {
          results: {
            result: { status: string; result?: string; refusedRequests: { target: string }[] };
            progress: string[];
          }[];
          uid: number;
        };
        expect(uid).toBe(nobody.uid);
        const [shelf, attacked] = results;
        expect(shelf?.result).toMatchObject({
          status: 'success',
          result: 'The book "Dune" is on shelf B-42.',
        });
        // The host rule holds for an unprivileged user too: no other service of this machine.
        expect(attacked?.result.status).toBe('success');
        expect(attacked?.result.result).toContain('ATTACK DONE');
        expect(attacked?.result.result).not.toContain('REACHED');
        expect(attacked?.result.result).not.toContain(secret.secret);
        expect(secret.hits).toEqual([]);
        expect(secret.datagrams).toBe(0);
        const progress = shelf?.progress.join('\n') ?? '';
        if (sandboxWorks) {
          expect(progress).toContain("Chromium's own sandbox on)");
          expect(progress).not.toContain('does not start here');
          expect([...commandLines].filter((line) => line.includes('--no-sandbox'))).toEqual([]);
        } else {
          // No user namespaces here: the run goes on without the sandbox, and says so.
          expect(progress).toContain("Chromium's own sandbox does not start here");
        }
      } finally {
        emulator.setScript(sampleSiteScript);
        await attack.close();
        await secret.close();
        staged.remove();
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
