import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import {
  AVAILABLE,
  type Availability,
  dockerAvailability,
  testWhen,
  unavailable,
} from '@bots/test-kit';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type CliRun, cleanEnv, containersOf, runCli, SAMPLE } from './helpers.js';

// `bots batch --queue` and three `bots worker` processes on BullMQ over a redis-server of this
// test (loopback, a port of its own, stopped at the end), each worker keyless through the
// emulator's managed identity, each task a ReadingBot in a Docker sandbox. One worker is killed
// with SIGKILL in the middle of a task: its task is taken up by another worker once its lock
// expires, and every task is recorded exactly once.

const REDIS = '/usr/bin/redis-server';
const redisAvailable: Availability = existsSync(REDIS)
  ? AVAILABLE
  : unavailable(`${REDIS} is missing (apt-get install redis-server; CI installs it)`);
const docker = await dockerAvailability();
const both: Availability = redisAvailable.available ? docker : redisAvailable;
const emulator = useEmulator();

let redis: ChildProcess | undefined;
let redisUrl = '';
let scratch = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bots-queue-test-'));
  if (!both.available) return;
  const port = await freePort();
  redis = spawn(
    REDIS,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      scratch,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  redis.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (log.includes('Ready to accept connections')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    redis?.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`redis-server exited (${code}): ${log}`));
    });
  });
  redisUrl = `redis://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (redis && redis.exitCode === null) {
    const exited = new Promise((resolve) => redis?.once('exit', resolve));
    redis.kill('SIGTERM');
    await exited;
  }
  rmSync(scratch, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function reply(thoughts: string, command: string): string {
  return JSON.stringify({ task_done: command === '', thoughts, command });
}

/** Reads the config (after a pause, so that tasks overlap and a worker dies mid-task), then answers. */
async function script(request: ModelRequest): Promise<string> {
  if (!request.messages.some((message) => message.role === 'assistant')) {
    await sleep(300);
    return reply('Read the config.', 'cat config/service.toml');
  }
  const output = request.messages.at(-1)?.content ?? '';
  const line = output.split('\n').find((text) => text.startsWith('listen_port'));
  return reply(`Found it: ${line ?? 'nothing'}`, '');
}

interface RunningWorker {
  child?: ChildProcess;
  stderr: string;
  done: Promise<CliRun>;
}

function startWorker(): RunningWorker {
  const running: RunningWorker = { stderr: '', done: Promise.resolve() as never };
  running.done = runCli(
    [
      'worker',
      '--queue',
      redisUrl,
      '--concurrency',
      '2',
      '--stall-timeout',
      '4',
      '--model',
      'azure-openai/gpt-4o-mini',
    ],
    {
      env: cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' }),
      cwd: scratch,
      timeoutMs: 300_000,
      onSpawn: (child) => {
        running.child = child;
        child.stderr?.on('data', (chunk: Buffer | string) => {
          running.stderr += chunk.toString();
        });
      },
    },
  );
  return running;
}

/** Task ids a worker said it started and has not said it finished. */
function inFlight(worker: RunningWorker): string[] {
  const started = [...worker.stderr.matchAll(/worker: (\S+): started/g)].map((match) => match[1]!);
  return started.filter(
    (id) => !new RegExp(`worker: ${id}: (success|failed|timeout|aborted)`).test(worker.stderr),
  );
}

function resultLines(): { id: string; status: string; result?: string }[] {
  const file = join(scratch, 'results.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('bots batch --queue with bots worker (BullMQ over Redis)', () => {
  testWhen(both)(
    '30 tasks over 3 workers, one killed mid-task: every result exactly once, no sandbox left, one identity call per worker',
    async () => {
      emulator.setScript(script);
      emulator.requests.clear();
      const ids = Array.from({ length: 30 }, (_, index) => `task-${index + 1}`);
      const tasks = join(scratch, 'tasks.jsonl');
      writeFileSync(
        tasks,
        `${ids.map((id) => JSON.stringify({ id, bot: 'read', folder: SAMPLE, task: 'Which port?' })).join('\n')}\n`,
      );
      const workers = [startWorker(), startWorker(), startWorker()];
      const batch = runCli(['batch', tasks, '--queue', redisUrl], {
        env: cleanEnv(),
        cwd: scratch,
        timeoutMs: 280_000,
      });

      // Kill the first worker with SIGKILL while it runs a task, after a few results.
      const victim = workers[0]!;
      let killedDuring: string[] = [];
      for (let waited = 0; waited < 200_000; waited += 100) {
        const running = inFlight(victim);
        if (resultLines().length >= 4 && running.length > 0) {
          killedDuring = running;
          victim.child?.kill('SIGKILL');
          break;
        }
        await sleep(100);
      }
      expect(killedDuring.length).toBeGreaterThan(0);
      const killed = await victim.done;
      expect(killed.signal).toBe('SIGKILL');

      const run = await batch;
      expect(run.code, run.stderr).toBe(0);
      const results = resultLines();
      expect(results.map((result) => result.id).sort()).toEqual([...ids].sort());
      expect(new Set(results.map((result) => result.id)).size).toBe(30);
      expect(results.every((result) => result.status === 'success')).toBe(true);
      expect(results.every((result) => result.result === 'Found it: listen_port = 7341')).toBe(
        true,
      );
      // The task the killed worker held was run again by another worker (its second attempt).
      const others = workers[1]!.stderr + workers[2]!.stderr;
      for (const id of killedDuring) expect(others).toMatch(new RegExp(`worker: ${id}: started`));

      for (const worker of workers.slice(1)) worker.child?.kill('SIGTERM');
      const stopped = await Promise.all(workers.slice(1).map((worker) => worker.done));
      for (const worker of stopped)
        expect(worker.stderr).toMatch(/worker stopped after \d+ tasks?/);
      for (const worker of [killed, ...stopped]) {
        await expect(containersOf(worker.pid)).resolves.toEqual([]);
      }
      // Each worker process fetched one token (hour-long) and used it for all its tasks.
      expect(emulator.requests.ofKind('identity')).toHaveLength(3);
      const model = emulator.requests.ofKind('azure-openai');
      expect(model.length).toBeGreaterThanOrEqual(60);
      expect(model.every((request) => request.auth.accepted)).toBe(true);
    },
    300_000,
  );

  testWhen(both)(
    "a transient model failure (503 after the request's own retries) is tried again with backoff, then recorded once",
    async () => {
      emulator.setScript(script);
      emulator.requests.clear();
      // The first model call of the task fails 3 times: the provider's own 2 retries are used up,
      // the run fails with a retryable error, and BullMQ tries the job again after its backoff.
      emulator.inject({ status: 503, retryAfterMs: 10 }, { times: 3 });
      const tasks = join(scratch, 'flaky.jsonl');
      writeFileSync(
        tasks,
        `${JSON.stringify({ id: 'flaky', bot: 'read', folder: SAMPLE, task: 'Which port?' })}\n`,
      );
      const worker = startWorker();
      const run = await runCli(
        ['batch', tasks, '--queue', redisUrl, '--out', 'flaky-results.jsonl'],
        {
          env: cleanEnv(),
          cwd: scratch,
          timeoutMs: 120_000,
        },
      );
      worker.child?.kill('SIGTERM');
      const stopped = await worker.done;
      expect(run.code, run.stderr).toBe(0);
      const lines = readFileSync(join(scratch, 'flaky-results.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ id: 'flaky', status: 'success' });
      expect(stopped.stderr).toMatch(/worker: flaky: \w+: will be retried/);
      expect(stopped.stderr).toContain('worker: flaky: started (attempt 2)');
      const statuses = emulator.requests.ofKind('azure-openai').map((request) => request.status);
      expect(statuses.slice(0, 3)).toEqual([503, 503, 503]);
      expect(statuses.slice(3)).toEqual([200, 200]);
      await expect(containersOf(stopped.pid)).resolves.toEqual([]);
    },
    150_000,
  );
});
