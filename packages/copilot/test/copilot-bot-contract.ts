import { existsSync } from 'node:fs';
import type { ModelRequest, ScriptStep } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { type Availability, describeWhen } from '@bots/test-kit';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { CopilotBot, PLACEHOLDER_TOKEN } from '../src/index.js';
import { nonce, sampleFolder, shellScript } from './copilot-bot-scripts.js';

/**
 * What CopilotBot must do in a sandbox, with the real SDK, the real CLI and the emulator:
 * `kind` is the sandbox, `leftovers()` lists what a run left behind (containers, folders).
 */
export function describeCopilotBotContract(
  kind: 'docker' | 'local',
  needs: Availability,
  leftovers: () => Promise<string[]>,
): void {
  describeWhen(`CopilotBot in ${kind} (real SDK, real CLI, emulator)`, needs, () => {
    let script: (request: ModelRequest) => ScriptStep = () => 'no script';
    const emulator = useEmulator({ script: (request) => script(request) });
    let folder: ReturnType<typeof sampleFolder>;

    beforeEach(() => {
      folder = sampleFolder();
      // @azure/identity reads the managed-identity variables from process.env only.
      for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
        vi.stubEnv(name, value);
      }
    });
    afterEach(() => {
      vi.unstubAllEnvs();
      folder.remove();
    });

    function env(): Record<string, string> {
      return {
        AZURE_AUTH_METHOD: 'azure_ad',
        ...emulator.env,
        ...emulator.credentialEnv('app-service'),
      };
    }

    /** Model requests the emulator saw in this test; each must have carried an accepted token. */
    let seenBefore = 0;
    beforeEach(() => {
      seenBefore = emulator.requests.ofKind('azure-openai').length;
    });
    function modelRequestsAccepted(): number {
      const requests = emulator.requests.ofKind('azure-openai').slice(seenBefore);
      for (const request of requests) {
        expect(request.auth).toMatchObject({ scheme: 'bearer', accepted: true });
      }
      return requests.length;
    }

    test('answers from a file only the sandbox sees; the read-only folder is unchanged after writes', async () => {
      const secret = nonce();
      const marker = `/tmp/copilot-bot-marker-${secret}`;
      const before = folder.snapshot();
      const scripted = shellScript(
        [
          `cat ${marker}`,
          'echo changed > readme.txt; rm other.txt; echo new > new.txt; cat readme.txt; ls',
        ],
        (results) => `The marker says: ${results[0]?.trim()}`,
      );
      script = scripted.script;
      const bot = new CopilotBot({
        model: 'azure-openai/gpt-4o-mini',
        folder: folder.path,
        sandbox: kind,
        env: env(),
        prepare: async (sandbox) => {
          const written = await sandbox.execute(`echo sandbox-${secret} > ${marker}`);
          expect(written.exitCode).toBe(0);
        },
      });
      const result = await bot.run('What does the marker file say?');

      expect(result.error).toBeUndefined();
      expect(result.status).toBe('success');
      expect(result.sandbox).toBe(kind);
      expect(result.result).toContain(`sandbox-${secret}`);
      expect(result.steps.map((step) => [step.kind, step.command, step.exitCode])).toEqual([
        ['command', `cat ${marker}`, 0],
        ['command', expect.stringContaining('echo changed > readme.txt'), 0],
      ]);
      expect(result.steps[0]?.output).toContain(`sandbox-${secret}`);
      // The writes happened inside (the agent saw them) ...
      expect(scripted.seen.at(-1)?.[1]).toContain('changed');
      expect(scripted.seen.at(-1)?.[1]).toContain('new.txt');
      // ... and reached neither the host folder nor the host's /tmp.
      expect(folder.snapshot()).toEqual(before);
      expect(existsSync(marker)).toBe(false);
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.iterations).toBe(3);
      // Every model call went through the relay with a token the emulator accepted.
      expect(modelRequestsAccepted()).toBe(3);
      expect(result.relay).toEqual({ forwarded: 3, retriedAfter401: 0, refused: [] });
      expect(await leftovers()).toEqual([]);
    });

    test('attacks from the model-controlled shell: no token inside, no way out, no way into the SDK channel', async () => {
      const port = new URL(emulator.urls.base).port;
      const forged = (id: string, url: string) => {
        const start = JSON.stringify({
          jsonrpc: '2.0',
          id: `${id}-start`,
          method: 'llmInference.httpRequestStart',
          params: {
            requestId: id,
            method: 'POST',
            url,
            headers: { 'content-type': ['application/json'] },
          },
        });
        const end = JSON.stringify({
          jsonrpc: '2.0',
          id: `${id}-end`,
          method: 'llmInference.httpRequestChunk',
          params: { requestId: id, data: '', end: true },
        });
        const frame = (message: string) =>
          `Content-Length: ${message.length}\\r\\n\\r\\n${message}`;
        // Every way into the CLI's channel to the SDK a shell of the same user could try: the
        // CLI's stdio through /proc, and any FIFO it can find.
        return `cli=$(pgrep -of 'copilot-cli --headless|copilot-cli/copilot --headless'); echo "cli pid $cli"; for target in /proc/$cli/fd/0 /proc/$cli/fd/1 /proc/$cli/mem $(find / -xdev -type p 2>/dev/null); do if printf '${frame(start)}${frame(end)}' 2>/dev/null > $target; then echo "FORGED $target"; else echo "DENIED $target"; fi; done; cat /proc/$cli/environ > /dev/null 2>&1 && echo "READ environ" || echo "DENIED environ"`;
      };
      const scripted = shellScript(
        [
          // Every process's environment and command line, base64-encoded as an attacker would
          // (the CLI masks token-shaped strings in what it shows the model, not in encoded ones).
          `(for p in /proc/[0-9]*; do echo "== $p $(tr '\\0' ' ' < $p/cmdline 2>/dev/null)"; tr '\\0' '\\n' < $p/environ 2>/dev/null; done; env) | base64 -w0`,
          // The host's loopback (the emulator's port) from inside.
          `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>&1 && echo CONNECTED || echo UNREACHABLE`,
          // A request forged onto the CLI's own channel to the SDK (a non-model route).
          forged(
            'forged-route',
            'http://copilot-relay.invalid/openai/deployments/gpt-4o-mini/extensions',
          ),
        ],
        () => 'Done probing.',
      );
      script = scripted.script;
      const bot = new CopilotBot({
        model: 'azure-openai/gpt-4o-mini',
        folder: folder.path,
        sandbox: kind,
        env: env(),
      });
      const result = await bot.run('Probe the sandbox.', { timeoutMs: 50_000 });
      expect(result.error).toBeUndefined();
      const [encoded, loopback, forgedOutput] = scripted.seen.at(-1) ?? [];
      const processes = Buffer.from(
        encoded?.match(/[A-Za-z0-9+/=]{40,}/)?.[0] ?? '',
        'base64',
      ).toString();

      // The raw output as the model got it: no JWT, no identity secret, no credential variable.
      expect(processes).toContain('copilot');
      expect(processes).toMatch(/HOME=/);
      expect(processes).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
      expect(processes).not.toContain(emulator.env['IDENTITY_HEADER']);
      expect(processes).not.toMatch(/IDENTITY_ENDPOINT|AZURE_|OPENAI|DOCKER_HOST/);
      expect(loopback).toContain('UNREACHABLE');
      expect(loopback).not.toContain('CONNECTED');
      expect(forgedOutput).toMatch(/cli pid \d+/);
      expect(forgedOutput).toMatch(/DENIED \/proc\/\d+\/fd\/0/);
      expect(forgedOutput).toMatch(/DENIED \/proc\/\d+\/fd\/1/);
      expect(forgedOutput).toContain('DENIED environ');
      expect(forgedOutput).not.toContain('FORGED');
      expect(forgedOutput).not.toContain('READ environ');
      // Nothing reached the relay but the agent's own model calls (its policy: relay tests).
      expect(result.relay.refused).toEqual([]);
      // Only the agent's own model calls reached the emulator, each with an accepted token.
      expect(modelRequestsAccepted()).toBe(result.iterations);
      expect(result.relay.forwarded).toBe(result.iterations);
    });

    test('the placeholder the CLI holds is not accepted by the endpoint', async () => {
      const response = await fetch(
        `${emulator.urls.azureOpenAI}/openai/deployments/gpt-4o-mini/chat/completions?api-version=${emulator.env['AZURE_OPENAI_API_VERSION']}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${PLACEHOLDER_TOKEN}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
        },
      );
      expect(response.status).toBe(401);
      expect(emulator.requests.last('azure-openai')?.auth.accepted).toBe(false);
    });

    test('a run past its timeout, or aborted, ends so and leaves nothing behind', async () => {
      script = shellScript(['sleep 600'], () => 'never').script;
      const bot = new CopilotBot({
        model: 'azure-openai/gpt-4o-mini',
        folder: folder.path,
        sandbox: kind,
        env: env(),
      });
      const timedOut = await bot.run('Wait.', { timeoutMs: 5_000 });
      expect(timedOut.status).toBe('timeout');
      expect(timedOut.error).toMatchObject({ name: 'RunTimeoutError', kind: 'limit' });
      expect(await leftovers()).toEqual([]);

      const controller = new AbortController();
      const started = bot.run('Wait.', { signal: controller.signal });
      setTimeout(() => controller.abort(), 3_000);
      const aborted = await started;
      expect(aborted.status).toBe('aborted');
      expect(aborted.error).toMatchObject({ name: 'RunAbortedError', kind: 'aborted' });
      expect(await leftovers()).toEqual([]);
    });

    test('a failure before the agent starts (prepare throws) fails the run and leaves nothing behind', async () => {
      const bot = new CopilotBot({
        model: 'azure-openai/gpt-4o-mini',
        folder: folder.path,
        sandbox: kind,
        env: env(),
        prepare: () => {
          throw new Error('setup failed on purpose');
        },
      });
      const result = await bot.run('Anything.');
      expect(result.status).toBe('failed');
      expect(result.error?.message).toContain('setup failed on purpose');
      expect(result.steps).toEqual([]);
      expect(await leftovers()).toEqual([]);
    });

    test('writable: true lets the agent change the host folder', async () => {
      script = shellScript(['echo written > result.txt'], () => 'Wrote it.').script;
      const bot = new CopilotBot({
        model: 'azure-openai/gpt-4o-mini',
        folder: folder.path,
        sandbox: kind,
        writable: true,
        env: env(),
      });
      const result = await bot.run('Write result.txt.');
      expect(result.status).toBe('success');
      expect(folder.snapshot()['result.txt']).toBe('written\n');
    });
  });
}
