import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AVAILABLE,
  allOf,
  bubblewrapAvailability,
  describeWhen,
  dockerAvailability,
  LOOPBACK_GUARD_IMPORT,
  unavailable,
} from '@bots/test-kit';
import Docker from 'dockerode';
import { afterEach, describe, expect, onTestFinished, test } from 'vitest';
import { hashTree, makeFixture } from '../../test/folder-fixture.js';
import { ReadingBot } from '../bots/reading-bot.js';
import { answerReply, commandReply, ScriptedChatModel } from '../testing/index.js';
import { DockerEnvironment } from './docker-environment.js';
import { SandboxError } from './errors.js';
import { SandboxPool, type SandboxPoolOptions } from './sandbox-pool.js';
import { POOL_LABEL } from './sandbox-pool-member.js';

const docker = new Docker();
const engine = await dockerAvailability(docker);

/** The signal tests' child imports the built package, as a user's program would. */
const BUILT = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const built =
  existsSync(BUILT) && readFileSync(BUILT, 'utf8').includes('SandboxPool')
    ? AVAILABLE
    : unavailable('packages/core is not built with SandboxPool (pnpm build)');

const pools: SandboxPool[] = [];
const fixtures: string[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  for (const fixture of fixtures.splice(0)) rmSync(fixture, { recursive: true, force: true });
});

function pool(options: SandboxPoolOptions): SandboxPool {
  const made = new SandboxPool(options);
  pools.push(made);
  return made;
}

function fixture(): string {
  const folder = makeFixture();
  fixtures.push(folder);
  return folder;
}

/** The containers (running or not) labelled with the pool's id. */
async function poolContainers(id: string): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${POOL_LABEL}=${id}`] },
  });
  return list.map((entry) => entry.Id).sort();
}

async function poolVolumes(id: string): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${POOL_LABEL}=${id}`] } });
  return (Volumes ?? []).map((volume) => volume.Name);
}

/** What task 1 writes, and the check task 2 runs: each path is reported present or absent. */
const WRITE = (mount: string) =>
  `echo one > ${mount}/task1.txt && echo one > /tmp/task1.txt && echo one > /workdir/task1.txt && echo one > ~/task1.txt && export TASK1=yes && echo written`;
const CHECK = (mount: string) =>
  `for f in ${mount}/task1.txt /tmp/task1.txt /workdir/task1.txt ~/task1.txt; do test -e "$f" && echo "present $f" || echo "absent $f"; done; echo "TASK1=\${TASK1:-unset}"`;

const sandboxes = [
  { sandbox: 'docker' as const, needs: engine },
  { sandbox: 'local' as const, needs: bubblewrapAvailability() },
];

for (const { sandbox, needs } of sandboxes) {
  describeWhen(
    `SandboxPool, ${sandbox} (needs ${sandbox === 'docker' ? 'a Docker engine' : 'bubblewrap'})`,
    needs,
    () => {
      test('two ReadingBots, one task each: what task 1 wrote (the mount, /workdir, /tmp, home, the shell) is absent for task 2; the host folder is unchanged', async () => {
        const folder = fixture();
        const before = hashTree(folder);
        const mountPath = `/workdir/${basename(folder)}`;
        const sandboxPool = pool({
          size: 1,
          sandbox,
          mounts: [{ hostPath: folder, sandboxPath: mountPath, mode: 'read-only' }],
        });
        await sandboxPool.start();
        const task = async (command: string) =>
          sandboxPool.use(async (environment) => {
            const bot = new ReadingBot({
              model: new ScriptedChatModel({
                replies: [commandReply(command), answerReply('done')],
              }),
              folder,
              sandboxPath: mountPath,
              environment,
            });
            try {
              const result = await bot.run('Run the command.');
              expect(result.status).toBe('success');
              return { output: result.steps[0]!.output, id: environment.containerId };
            } finally {
              await bot.dispose();
            }
          });
        const first = await task(WRITE(mountPath));
        expect(first.output).toContain('written');
        const second = await task(CHECK(mountPath));
        expect(second.output).toContain(`absent ${mountPath}/task1.txt`);
        expect(second.output).toContain('absent /tmp/task1.txt');
        expect(second.output).toContain('absent /workdir/task1.txt');
        expect(second.output).not.toContain('present');
        expect(second.output).toContain('TASK1=unset');
        expect(hashTree(folder)).toBe(before);
        if (sandbox === 'docker') {
          expect(second.id).toBeDefined();
          expect(second.id).not.toBe(first.id);
          // Task 1's container is gone, not parked.
          await expect(docker.getContainer(first.id!).inspect()).rejects.toMatchObject({
            statusCode: 404,
          });
        }
      });

      test('a disposed sandbox is not handed out again, and its commands fail', async () => {
        const sandboxPool = pool({ size: 1, sandbox });
        const first = await sandboxPool.acquire();
        await first.execute('echo one > /tmp/mine');
        await first.dispose();
        await expect(first.execute('true')).rejects.toThrow(SandboxError);
        const second = await sandboxPool.acquire();
        expect(second).not.toBe(first);
        expect((await second.execute('test -e /tmp/mine')).exitCode).toBe(1);
        await second.dispose();
        expect(sandboxPool.stats.inUse).toBe(0);
      });
    },
  );
}

describeWhen(
  'SandboxPool, Docker: refill, limits, close, start errors (needs a Docker engine)',
  engine,
  () => {
    test('refills to its size in the background after acquires; never more than size + in use; dispose removes', async () => {
      const sandboxPool = pool({ size: 2, sandbox: 'docker' });
      await sandboxPool.start();
      expect(sandboxPool.stats).toEqual({ idle: 2, starting: 0, inUse: 0 });
      expect(await poolContainers(sandboxPool.id)).toHaveLength(2);

      // Three at once from a pool of two: two are ready, the third waits for a refill.
      const acquiring = [sandboxPool.acquire(), sandboxPool.acquire(), sandboxPool.acquire()];
      const { idle, starting, inUse } = sandboxPool.stats;
      expect(idle + starting).toBeLessThanOrEqual(2);
      expect(inUse).toBe(2);
      const acquired = await Promise.all(acquiring);
      expect(new Set(acquired.map((sandbox) => sandbox.containerId)).size).toBe(3);
      expect(sandboxPool.stats.inUse).toBe(3);
      expect(sandboxPool.stats.idle + sandboxPool.stats.starting).toBeLessThanOrEqual(2);

      await sandboxPool.start(); // waits for the refill
      expect(sandboxPool.stats).toEqual({ idle: 2, starting: 0, inUse: 3 });
      expect(await poolContainers(sandboxPool.id)).toHaveLength(5);
      for (const sandbox of acquired) {
        expect((await sandbox.execute('echo ok')).output).toBe('ok\n');
      }

      await Promise.all(acquired.map((sandbox) => sandbox.dispose()));
      expect(sandboxPool.stats).toEqual({ idle: 2, starting: 0, inUse: 0 });
      expect(await poolContainers(sandboxPool.id)).toHaveLength(2);
      for (const sandbox of acquired) {
        await expect(
          docker.getContainer(sandbox.containerId ?? 'gone').inspect(),
        ).rejects.toMatchObject({
          statusCode: 404,
        });
      }
    });

    test('close() removes every container and volume of the pool: ready, starting and in use; a waiting acquire() is refused', async () => {
      const folder = fixture();
      const sandboxPool = pool({ size: 2, sandbox: 'docker', mounts: [{ hostPath: folder }] });
      await sandboxPool.start();
      const inUse = await sandboxPool.acquire();
      const other = await sandboxPool.acquire();
      const waiting = sandboxPool.acquire().catch((error: unknown) => error);
      expect(sandboxPool.stats.starting).toBeGreaterThan(0);
      expect((await poolVolumes(sandboxPool.id)).length).toBeGreaterThan(0);
      await sandboxPool.close();
      expect(await waiting).toBeInstanceOf(SandboxError);
      expect(String(await waiting)).toMatch(/closed while this acquire\(\) waited/);
      expect(await poolContainers(sandboxPool.id)).toEqual([]);
      expect(await poolVolumes(sandboxPool.id)).toEqual([]);
      await expect(inUse.execute('true')).rejects.toThrow(SandboxError);
      await expect(other.execute('true')).rejects.toThrow(SandboxError);
      await expect(sandboxPool.acquire()).rejects.toThrow(/This SandboxPool was closed/);
      expect(sandboxPool.stats).toEqual({ idle: 0, starting: 0, inUse: 0 });
    });

    test('a start that fails: the waiting acquire() gets its error, start() too, and no start is retried unasked', async () => {
      const image = 'bots-no-such-image:never';
      const sandboxPool = pool({ size: 2, sandbox: 'docker', image });
      await expect(sandboxPool.acquire()).rejects.toThrow(
        new RegExp(`The image ${image} is not on the Docker engine`),
      );
      await expect(sandboxPool.start()).rejects.toThrow(SandboxError);
      // Nothing starts in the background after a failure: no retry loop.
      expect(sandboxPool.stats).toEqual({ idle: 0, starting: 0, inUse: 0 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sandboxPool.stats.starting).toBe(0);
      // Each acquire() asks for one start, and gets its error.
      await expect(sandboxPool.acquire()).rejects.toThrow(/not on the Docker engine/);
      expect(sandboxPool.stats.starting).toBe(0);
      expect(await poolContainers(sandboxPool.id)).toEqual([]);
    });

    test('an acquire() whose signal aborts stops waiting; the start it asked for goes to the pool', async () => {
      const sandboxPool = pool({ size: 1, sandbox: 'docker' });
      const controller = new AbortController();
      const waiting = sandboxPool.acquire({ signal: controller.signal });
      controller.abort(new Error('no longer needed'));
      await expect(waiting).rejects.toThrow('no longer needed');
      await sandboxPool.start();
      expect(sandboxPool.stats).toEqual({ idle: 1, starting: 0, inUse: 0 });
    });
  },
);

/** A program that holds a pool: started, one sandbox acquired and used, then it waits. */
const CHILD = (refilled: boolean) => `
import { SandboxPool } from ${JSON.stringify(BUILT)};
const pool = new SandboxPool({ size: 2, sandbox: 'docker' });
await pool.start();
const sandbox = await pool.acquire();
await sandbox.execute('echo busy > /tmp/busy');
${refilled ? 'await pool.start();' : ''}
process.stdout.write('READY ' + pool.id + ' ' + JSON.stringify(pool.stats) + '\\n');
setInterval(() => {}, 1000);
`;

function startChild(code: string): {
  child: ChildProcess;
  ready: Promise<{ id: string; stats: { idle: number; starting: number; inUse: number } }>;
  exited: Promise<NodeJS.Signals | number | null>;
} {
  const child = spawn(
    process.execPath,
    ['--import', LOOPBACK_GUARD_IMPORT, '--input-type=module', '--eval', code],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env['PATH'] ?? '', DOCKER_HOST: process.env['DOCKER_HOST'] ?? '' },
    },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stdout = '';
  const ready = new Promise<{
    id: string;
    stats: { idle: number; starting: number; inUse: number };
  }>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /READY (\w+) (.*)\n/.exec(stdout);
      if (match) resolve({ id: match[1]!, stats: JSON.parse(match[2]!) });
    });
    void exited.then(() => reject(new Error(`child exited early: ${stdout}`)));
  });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, ready, exited };
}

describeWhen(
  'SandboxPool, Docker: what a process holding a pool leaves when it ends (needs a Docker engine and the built package)',
  allOf([engine, built]),
  () => {
    test.each([
      ['SIGTERM', 'a full pool and one in use', true],
      ['SIGINT', 'one in use and a refill still starting', false],
    ] as const)(
      '%s with %s: no container or volume of the pool is left',
      async (signal, _what, refilled) => {
        const { child, ready, exited } = startChild(CHILD(refilled));
        const { id, stats } = await ready;
        if (refilled) expect(stats).toEqual({ idle: 2, starting: 0, inUse: 1 });
        else expect(stats).toMatchObject({ starting: 1, inUse: 1 });
        expect((await poolContainers(id)).length).toBeGreaterThanOrEqual(2);
        child.kill(signal);
        expect(await exited).toBe(signal);
        expect(await poolContainers(id)).toEqual([]);
        expect(await poolVolumes(id)).toEqual([]);
      },
    );

    test('SIGKILL (no cleanup runs): removeStale() removes what the pool left, by its owner labels', async () => {
      const { child, ready, exited } = startChild(CHILD(true));
      const { id } = await ready;
      const left = await poolContainers(id);
      expect(left).toHaveLength(3);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Another test process's first start may sweep them first: the engine is shared.
      const removed = await DockerEnvironment.removeStale({ docker });
      expect(await poolContainers(id)).toEqual([]);
      for (const container of left) {
        if (!removed.includes(container)) {
          await expect(docker.getContainer(container).inspect()).rejects.toMatchObject({
            statusCode: 404,
          });
        }
      }
    });
  },
);

describe('SandboxPool without an engine or bubblewrap', () => {
  test('the pool label is bots.pool, and the pool says its id', () => {
    const sandboxPool = pool({ size: 1, sandbox: 'docker' });
    expect(sandboxPool.label).toEqual({ name: 'bots.pool', value: sandboxPool.id });
    expect(sandboxPool.id).toMatch(/^[0-9a-f]{12}$/);
  });
});
