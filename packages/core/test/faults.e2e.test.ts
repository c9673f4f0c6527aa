// Faults of the model endpoint, the token and the run, end to end: a ReadingBot in Docker, its
// model through @bots/providers, its token through @bots/auth and the real DefaultAzureCredential
// against @bots/emulator.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelRequest } from '@bots/emulator';
import { afterEach, expect, onTestFinished, test } from 'vitest';
import { ReadingBot } from '../src/index.js';
import {
  answer,
  assertNoContainerLeftByThisFile,
  botEnv,
  command,
  describeWhen,
  dockerAvailability,
  expectKeylessAuth,
  folderWith,
  lastFeedback,
  lastSequence,
  modelRequests,
  ownChildProcess,
  removeFolders,
  requestsSince,
  sandboxContainers,
  turn,
  useEmulator,
  waitForSleepingContainer,
} from './support.js';

// 60 s tokens: msal-node fetches anew on every getToken (less than 5 minutes left), so a revoked
// token is really replaced after @bots/auth's invalidate().
const emulator = useEmulator({ tokenLifetimeSeconds: 60 });
assertNoContainerLeftByThisFile();

const bots: ReadingBot[] = [];
afterEach(async () => {
  emulator().clearFaults();
  await Promise.all(bots.splice(0).map((bot) => bot.dispose()));
  removeFolders();
});

function newBot(): ReadingBot {
  const folder = folderWith('data', { 'value.txt': 'forty-two\n' });
  const bot = new ReadingBot({
    model: 'azure-openai/gpt-4o-faults',
    env: botEnv(emulator()),
    environment: 'docker',
    folder,
  });
  bots.push(bot);
  return bot;
}

/** Reads the file, then answers with what it read. */
function readThenAnswer(request: ModelRequest): string {
  if (turn(request) === 0) return command('cat /workdir/data/value.txt');
  return answer(`The value is ${lastFeedback(request)?.output.trim()}.`);
}

describeWhen(
  'faults end to end (needs a Docker engine and the sandbox image)',
  dockerAvailability,
  () => {
    test('429 with retry-after, then 200: the model client waits and the run succeeds', async () => {
      const since = lastSequence(emulator());
      emulator().setScript(readThenAnswer);
      emulator().inject({ status: 429, retryAfterSeconds: 1 }, { times: 1 });

      const result = await newBot().run('What is the value?');

      expect(result.status).toBe('success');
      expect(result.result).toBe('The value is forty-two.');
      const model = modelRequests(requestsSince(emulator(), since));
      expect(model.map((request) => request.status)).toEqual([429, 200, 200]);
      expect(model[0]?.fault).toMatchObject({ status: 429 });
      // The retry waited for the retry-after the emulator sent (1 s; Azure's retry-after-ms too).
      expect(model[1]!.time - model[0]!.time).toBeGreaterThanOrEqual(900);
      expect(result.steps[0]?.modelDurationMs).toBeGreaterThanOrEqual(900);
    });

    test('500, then 200: the model client retries and the run succeeds', async () => {
      const since = lastSequence(emulator());
      emulator().setScript(readThenAnswer);
      emulator().inject({ status: 500 }, { times: 1 });

      const result = await newBot().run('What is the value?');

      expect(result.status).toBe('success');
      expect(result.result).toBe('The value is forty-two.');
      const statuses = modelRequests(requestsSince(emulator(), since)).map((r) => r.status);
      expect(statuses).toEqual([500, 200, 200]);
    });

    test('a connection reset once: the model client retries and the run succeeds', async () => {
      const since = lastSequence(emulator());
      emulator().setScript(readThenAnswer);
      emulator().inject({ reset: true }, { times: 1 });

      const result = await newBot().run('What is the value?');

      expect(result.status).toBe('success');
      expect(result.result).toBe('The value is forty-two.');
      const model = modelRequests(requestsSince(emulator(), since));
      expect(model).toHaveLength(3);
      expect(model[0]).toMatchObject({ status: 0, fault: { reset: true } });
      expect(model.slice(1).map((request) => request.status)).toEqual([200, 200]);
    });

    test('malformed JSON four times in a row: failed with ModelFormatError, after 3 corrections', async () => {
      const since = lastSequence(emulator());
      emulator().setScript([
        '{"task_done": tru',
        'I will look at the file now.',
        '{"task_done": false, "thoughts": "no command"}',
        '{"task_done": true, "thoughts": "", "command": "ls"}',
        answer('never reached'),
      ]);

      const result = await newBot().run('What is the value?');

      expect(result.status).toBe('failed');
      expect(result.result).toBeUndefined();
      expect(result.error?.name).toBe('ModelFormatError');
      expect(result.error?.message).toMatch(
        /^The model broke the reply format 4 times in a row, after 3 corrective message\(s\); the last problem: .+\. Use a model that follows JSON instructions/,
      );
      expect(result.steps.map((step) => step.kind)).toEqual([
        'format-error',
        'format-error',
        'format-error',
        'format-error',
      ]);
      expect(result.steps[0]?.reply).toBe('{"task_done": tru');
      const model = modelRequests(requestsSince(emulator(), since));
      expect(model).toHaveLength(4);
      // Each request after the first carried a corrective message naming the problem.
      for (const request of model.slice(1)) {
        expect(request.messages?.at(-1)?.role).toBe('user');
        expect(request.messages?.at(-1)?.content).toMatch(/JSON|"task_done"|"command"/);
      }
      // No command ran: no sandbox was started.
      expect(await sandboxContainers(process.pid)).toEqual([]);
    });

    test('token revoked mid-run: one 401, one refresh through the identity endpoint, then success', async () => {
      const since = lastSequence(emulator());
      emulator().setScript((request: ModelRequest) => {
        switch (turn(request)) {
          case 0:
            // Every token issued so far is refused from now on; this reply still goes out.
            emulator().revokeIssuedTokens();
            return command('cat /workdir/data/value.txt');
          case 1:
            return command('wc -c < /workdir/data/value.txt');
          default:
            return answer(`The file has ${lastFeedback(request)?.output.trim()} bytes.`);
        }
      });

      const result = await newBot().run('What is the value, and how long is the file?');

      expect(result.status).toBe('success');
      expect(result.result).toBe('The file has 10 bytes.');
      const requests = requestsSince(emulator(), since);
      const model = modelRequests(requests);
      expect(model.map((request) => request.status)).toEqual([200, 401, 200, 200]);
      const [first, refused, ...after] = model;
      expect(refused?.auth).toMatchObject({ accepted: false, reason: 'token revoked' });
      expect(refused?.auth.tokenId).toBe(first?.auth.tokenId);
      for (const request of after) {
        expect(request.auth).toMatchObject({ accepted: true, expired: false });
        expect(request.auth.tokenId).not.toBe(first?.auth.tokenId);
      }
      expect(new Set(after.map((request) => request.auth.tokenId)).size).toBe(1);
      // Exactly two tokens: the first one and the refresh after the 401, both from the endpoint.
      const identity = requests.filter((request) => request.kind === 'identity');
      expect(identity.map((request) => request.issuedToken?.tokenId)).toEqual([
        first?.auth.tokenId,
        after[0]?.auth.tokenId,
      ]);
      expect(identity[1]!.sequence).toBeGreaterThan(refused!.sequence);
    });

    test('abort through the signal during `sleep 100`: aborted at once, the container removed', async () => {
      const since = lastSequence(emulator());
      emulator().setScript([command('sleep 100'), answer('never reached')]);
      const controller = new AbortController();
      const bot = newBot();

      const running = bot.run('Wait.', { signal: controller.signal, commandTimeoutMs: 200_000 });
      await waitForSleepingContainer(process.pid);
      const abortedAt = performance.now();
      controller.abort();
      const result = await running;
      const took = performance.now() - abortedAt;

      expect(result.status).toBe('aborted');
      expect(result.error?.name).toBe('RunAbortedError');
      expect(result.steps).toEqual([]);
      expect(took).toBeLessThan(5_000);
      // Removed by run() itself, before it returned: not by dispose().
      expect(await sandboxContainers(process.pid)).toEqual([]);
      expectKeylessAuth(emulator(), since);
    });

    test('abort while the sandbox is being created: aborted, and no container appears later', async () => {
      const controller = new AbortController();
      emulator().setScript((request: ModelRequest) => {
        if (turn(request) > 0) return answer('never reached');
        // Aborts as soon as the command is proposed: while the bot creates its container.
        setTimeout(() => controller.abort(), 0);
        return command('echo never printed');
      });

      const result = await newBot().run('Start.', { signal: controller.signal });

      expect(result.status).toBe('aborted');
      expect(result.steps).toEqual([]);
      expect(await sandboxContainers(process.pid)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await sandboxContainers(process.pid)).toEqual([]);
    });

    test('run timeout during a slow model call: the call is aborted, status timeout', async () => {
      const since = lastSequence(emulator());
      emulator().setScript([answer('too late')]);
      emulator().inject({ delayMs: 30_000 }, { times: 1 });

      const startedAt = performance.now();
      const result = await newBot().run('Answer.', { timeoutMs: 1_500 });

      expect(result.status).toBe('timeout');
      expect(result.error?.name).toBe('RunTimeoutError');
      expect(performance.now() - startedAt).toBeLessThan(4_000);
      expect(modelRequests(requestsSince(emulator(), since))).toHaveLength(1);
    });

    test('run timeout during `sleep 100`: status timeout, the container removed', async () => {
      emulator().setScript([command('sleep 100'), answer('never reached')]);
      const bot = newBot();

      const startedAt = performance.now();
      const result = await bot.run('Wait.', { timeoutMs: 4_000, commandTimeoutMs: 200_000 });
      const took = performance.now() - startedAt;

      expect(result.status).toBe('timeout');
      expect(result.error?.name).toBe('RunTimeoutError');
      expect(result.error?.message).toContain('4 s');
      expect(took).toBeGreaterThanOrEqual(4_000);
      expect(took).toBeLessThan(9_000);
      expect(await sandboxContainers(process.pid)).toEqual([]);
    });

    test('SIGINT to a process running a Docker bot (built packages) ends it and removes its container', async () => {
      const here = dirname(fileURLToPath(import.meta.url));
      const dist = join(here, '..', 'dist', 'index.js');
      if (!existsSync(dist)) {
        throw new Error(
          `${dist} is missing: build first with pnpm turbo run build --filter @bots/core... (turbo's test task depends on build).`,
        );
      }
      const scratch = mkdtempSync(join(tmpdir(), 'bots-sigint-'));
      onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
      const script = join(scratch, 'child.mjs');
      writeFileSync(
        script,
        `import { ReadingBot } from ${JSON.stringify(pathToFileURL(dist).href)};
const bot = new ReadingBot({ folder: process.argv[2], model: 'azure-openai/gpt-4o-sigint', environment: 'docker' });
const result = await bot.run('Wait for a long time.', { commandTimeoutMs: 200_000 });
process.stdout.write('FINISHED ' + JSON.stringify(result) + '\\n');
await bot.dispose();
`,
      );
      const folder = folderWith('data', { 'value.txt': 'forty-two\n' });
      emulator().setScript([command('sleep 100'), answer('never reached')]);
      const since = lastSequence(emulator());
      const child = spawn(process.execPath, [script, folder], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env['PATH'] ?? '',
          ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
          ...botEnv(emulator()),
        },
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve) => child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      onTestFinished(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      const pid = child.pid!;
      ownChildProcess(pid);

      const id = await Promise.race([
        waitForSleepingContainer(pid),
        exited.then(({ code, signal }) => {
          throw new Error(`the child exited early (${code ?? signal}): ${output}`);
        }),
      ]);
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      child.kill('SIGINT');
      const exit = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`the child did not exit: ${output}`)), 15_000),
        ),
      ]);

      expect(exit.signal ?? exit.code).toBe(exit.signal ? 'SIGINT' : 130);
      expect(output).not.toContain('FINISHED');
      expect(await sandboxContainers(pid)).toEqual([]);
      // The child authenticated like any other user of the packages: keyless, through the endpoint.
      expectKeylessAuth(emulator(), since);
    });
  },
);
