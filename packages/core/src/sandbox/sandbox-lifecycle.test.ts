import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { cleanupRegistryState } from './cleanup-registry.js';
import { SandboxError } from './errors.js';
import type { SandboxBackend } from './sandbox-backend.js';
import { SandboxLifecycle } from './sandbox-lifecycle.js';
import type { ShellProcess } from './shell-session.js';

// The lifecycle over a backend that records its calls; its shell is a plain host bash (no
// sandbox: only the lifecycle is under test).

function hostBash(): Promise<ShellProcess> {
  const child = spawn('bash', ['--noprofile', '--norc'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { PATH: '/usr/bin:/bin' },
  });
  const output = new PassThrough();
  child.stdout.pipe(output);
  child.stderr.on('data', (chunk) => output.write(chunk));
  const exited = new Promise<number | undefined>((resolve) =>
    child.once('close', (code) => resolve(code ?? undefined)),
  );
  return Promise.resolve({
    input: child.stdin,
    output,
    exited,
    kill: async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  });
}

interface Recorded {
  calls: string[];
  stopping: AbortSignal | undefined;
}

function fakeBackend(
  overrides: Partial<SandboxBackend> = {},
): SandboxBackend & { recorded: Recorded } {
  const recorded: Recorded = { calls: [], stopping: undefined };
  return {
    recorded,
    name: 'FakeEnvironment',
    description: 'fake sandbox',
    shell: { initialDirectory: '/', outputLimit: 16_000, defaultTimeoutMs: 10_000 },
    async create(stopping) {
      recorded.calls.push('create');
      recorded.stopping = stopping;
    },
    spawnShell() {
      recorded.calls.push('spawnShell');
      return hostBash();
    },
    async copyIn(hostPath, sandboxPath) {
      recorded.calls.push(`copyIn ${hostPath} ${sandboxPath}`);
    },
    async release() {
      recorded.calls.push('release');
    },
    releaseNow() {
      recorded.calls.push('releaseNow');
      return true;
    },
    ...overrides,
  };
}

const live: SandboxLifecycle[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((lifecycle) => lifecycle.dispose()));
  expect(cleanupRegistryState()).toEqual({ entries: 0, listening: false });
});

function lifecycleOf(backend: SandboxBackend, signal?: AbortSignal): SandboxLifecycle {
  const lifecycle = new SandboxLifecycle(backend, signal);
  live.push(lifecycle);
  return lifecycle;
}

test('concurrent starts share one create; execute runs in the one shell; copyIn reaches the backend', async () => {
  const backend = fakeBackend();
  const lifecycle = lifecycleOf(backend);
  await Promise.all([lifecycle.start(), lifecycle.start(), lifecycle.execute('true')]);
  expect(cleanupRegistryState()).toEqual({ entries: 1, listening: true });
  await lifecycle.execute('cd /tmp; export A=b');
  const result = await lifecycle.execute('echo "$A" "$PWD"');
  expect(result).toMatchObject({ exitCode: 0, output: 'b /tmp\n', timedOut: false });
  await lifecycle.copyIn('/host/file', '/workdir/file');
  expect(backend.recorded.calls).toEqual([
    'create',
    'spawnShell',
    'copyIn /host/file /workdir/file',
  ]);
});

test('dispose releases once, is idempotent, aborts the stopping signal, and unregisters the cleanup', async () => {
  const backend = fakeBackend();
  const lifecycle = lifecycleOf(backend);
  await lifecycle.start();
  await Promise.all([lifecycle.dispose(), lifecycle.dispose()]);
  await lifecycle.dispose();
  expect(backend.recorded.calls.filter((call) => call === 'release')).toHaveLength(1);
  expect(backend.recorded.stopping?.aborted).toBe(true);
  expect(cleanupRegistryState()).toEqual({ entries: 0, listening: false });
  await expect(lifecycle.execute('true')).rejects.toThrow(
    new SandboxError('This FakeEnvironment was disposed; create a new one.'),
  );
  await expect(lifecycle.start()).rejects.toThrow(/disposed; create a new one/);
});

test('a failing create releases what it made and rejects with its own error; the sandbox is disposed', async () => {
  const backend = fakeBackend({
    create: async () => {
      backend.recorded.calls.push('create');
      throw new SandboxError('No engine answers. Start it.');
    },
  });
  const lifecycle = lifecycleOf(backend);
  await expect(lifecycle.start()).rejects.toThrow('No engine answers. Start it.');
  expect(backend.recorded.calls).toEqual(['create', 'release']);
  expect(cleanupRegistryState()).toEqual({ entries: 0, listening: false });
  await expect(lifecycle.execute('true')).rejects.toThrow(/disposed/);
});

test('explainStartFailure rewrites the error of a first shell that did not start', async () => {
  const backend = fakeBackend({
    spawnShell: () => Promise.reject(new SandboxError('setting up uid map failed.')),
    explainStartFailure: (error) =>
      new SandboxError(`${(error as Error).message} Allow user namespaces.`),
  });
  const lifecycle = lifecycleOf(backend);
  await expect(lifecycle.start()).rejects.toThrow(
    'setting up uid map failed. Allow user namespaces.',
  );
});

test('a dispose during a start that then fails does not wait for itself: both settle, once released', async () => {
  let failCreate: (error: Error) => void = () => undefined;
  const backend = fakeBackend({
    create: (stopping) => {
      backend.recorded.calls.push('create');
      return new Promise<void>((_resolve, reject) => {
        failCreate = reject;
        stopping.addEventListener('abort', () => reject(new SandboxError('Stopped.')));
      });
    },
  });
  const lifecycle = lifecycleOf(backend);
  const started = lifecycle.start();
  await new Promise((resolve) => setImmediate(resolve));
  const disposed = lifecycle.dispose();
  await expect(started).rejects.toThrow('Stopped.');
  await disposed;
  failCreate(new Error('too late'));
  expect(backend.recorded.calls).toEqual(['create', 'release']);
});

test("a caller's signal that aborts during the start rejects with its reason and disposes the sandbox", async () => {
  const backend = fakeBackend({
    create: (stopping) =>
      new Promise<void>((resolve) => stopping.addEventListener('abort', () => resolve())),
  });
  const lifecycle = lifecycleOf(backend);
  const controller = new AbortController();
  const started = lifecycle.start({ signal: controller.signal });
  controller.abort(new Error('the caller gave up'));
  await expect(started).rejects.toThrow('the caller gave up');
  await lifecycle.dispose();
  expect(backend.recorded.calls).toContain('release');
  await expect(lifecycle.start()).rejects.toThrow(/disposed/);
});

test("the environment's signal disposes it", async () => {
  const backend = fakeBackend();
  const controller = new AbortController();
  const lifecycle = lifecycleOf(backend, controller.signal);
  await lifecycle.start();
  controller.abort();
  await lifecycle.dispose();
  expect(backend.recorded.calls).toEqual(['create', 'spawnShell', 'release']);
  await expect(lifecycle.execute('true')).rejects.toThrow(/disposed/);
});
