import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWhen, dockerAvailability } from '@bots/test-kit';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { hashTree, makeFixture } from '../../test/folder-fixture.js';
import { sandboxContract } from '../../test/sandbox-contract.js';
import { cleanupRegistryState } from './cleanup-registry.js';
import { DockerEnvironment, type DockerEnvironmentOptions } from './docker-environment.js';
import { SANDBOX_IMAGE } from './sandbox-image.js';

const docker = new Docker();
const availability = await dockerAvailability(docker);

// A private temporary folder, so that the overlay-folder counts below see only this file's.
const sharedTemp = tmpdir();
const privateTemp = mkdtempSync(join(sharedTemp, 'bots-docker-test-'));
process.env['TMPDIR'] = privateTemp;
afterAll(() => {
  process.env['TMPDIR'] = sharedTemp;
  rmSync(privateTemp, { recursive: true, force: true });
});

// Only this process's sandboxes count: other test files or runs may share the engine.
async function sandboxContainers(): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: ['bots.sandbox=1', `bots.pid=${process.pid}`] },
  });
  return list.map((entry) => entry.Id);
}

function overlayTempDirectories(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('bots-overlay-'));
}

describeWhen('DockerEnvironment (needs a Docker engine)', availability, () => {
  let containersBefore: string[] = [];
  beforeAll(async () => {
    containersBefore = await sandboxContainers();
  });

  describe('the Environment contract', () => {
    sandboxContract((options) => {
      const { network, ...rest } = options ?? {};
      // This CI engine runs with --bridge=none: `host` is how a container reaches the host's
      // loopback (the positive control of the network test).
      const settings: DockerEnvironmentOptions = {
        ...rest,
        ...(network ? { network: 'host' } : {}),
      };
      return new DockerEnvironment(settings);
    });
  });

  describe('Docker specifics', () => {
    const live: DockerEnvironment[] = [];
    const fixtures: string[] = [];
    afterEach(async () => {
      await Promise.all(live.splice(0).map((environment) => environment.dispose()));
      for (const fixture of fixtures.splice(0)) rmSync(fixture, { recursive: true, force: true });
    });

    test('container: labelled, not privileged, no capabilities, no-new-privileges, limits, no network', async () => {
      const environment = new DockerEnvironment({
        memory: 512 * 1024 ** 2,
        pids: 100,
        cpus: 1,
        labels: { team: 'x' },
      });
      live.push(environment);
      await environment.start();
      const info = await docker.getContainer(environment.containerId!).inspect();
      expect(info.Config.Image).toBe(SANDBOX_IMAGE);
      expect(info.Config.Labels).toMatchObject({
        'bots.sandbox': '1',
        'bots.pid': String(process.pid),
        team: 'x',
      });
      expect(Date.parse(info.Config.Labels['bots.created']!)).toBeGreaterThan(Date.now() - 60_000);
      expect(info.HostConfig).toMatchObject({
        Privileged: false,
        CapDrop: ['ALL'],
        NetworkMode: 'none',
        Memory: 512 * 1024 ** 2,
        PidsLimit: 100,
        NanoCpus: 1e9,
      });
      expect(info.HostConfig.SecurityOpt?.[0]).toBe('no-new-privileges');
      expect(info.HostConfig.SecurityOpt?.[1]).toMatch(
        /^seccomp=\{"defaultAction":"SCMP_ACT_ERRNO"/,
      );
      expect(info.HostConfig.SecurityOpt).toHaveLength(2);
      const status = await environment.execute(
        'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status',
      );
      expect(status.output).toMatch(/Seccomp:\s+2/);
      expect(status.output).toMatch(/CapEff:\s+0000000000000000/);
      expect(status.output).toMatch(/NoNewPrivs:\s+1/);
    });

    test('dispose leaves no container, volume or temporary folder (read-only overlay mount)', async () => {
      const fixture = makeFixture();
      fixtures.push(fixture);
      const before = hashTree(fixture);
      const tempBefore = overlayTempDirectories();
      const environment = new DockerEnvironment({ mounts: [{ hostPath: fixture }] });
      live.push(environment);
      await environment.start();
      expect(environment.notes.filter((note) => /overlay|copied/.test(note))).toEqual([]);
      const { output } = await environment.execute(`echo new > a.txt; pwd`);
      expect(output).toBe(`/workdir/${basename(fixture)}\n`);
      const id = environment.containerId!;
      const volumes =
        (await docker.listVolumes({ filters: { label: ['bots.sandbox=1'] } })).Volumes ?? [];
      const ours = volumes.filter((volume) => volume.Labels?.['bots.pid'] === String(process.pid));
      expect(ours.length).toBeGreaterThan(0);
      // The write landed in the environment's upper layer, not in the host folder.
      const created = overlayTempDirectories().filter((name) => !tempBefore.includes(name));
      expect(created).toHaveLength(1);
      expect(readFileSync(join(tmpdir(), created[0]!, 'upper', 'a.txt'), 'utf8')).toBe('new\n');
      expect(cleanupRegistryState().listening).toBe(true);
      await environment.dispose();
      await environment.dispose();
      await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
      const after = (await docker.listVolumes()).Volumes ?? [];
      for (const volume of ours)
        expect(after.map((entry) => entry.Name)).not.toContain(volume.Name);
      expect(overlayTempDirectories()).toEqual(tempBefore);
      expect(hashTree(fixture)).toBe(before);
      expect(cleanupRegistryState()).toEqual({ entries: 0, listening: false });
    });

    test('aborting the environment signal removes the container', async () => {
      const controller = new AbortController();
      const environment = new DockerEnvironment({ signal: controller.signal });
      live.push(environment);
      await environment.start();
      const id = environment.containerId!;
      controller.abort();
      await environment.dispose();
      await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(environment.execute('true')).rejects.toThrow(/disposed/);
    });

    test('removeStale removes the containers and overlay folders whose owner process has ended, and returns them', async () => {
      const container = await docker.createContainer({
        Image: SANDBOX_IMAGE,
        Cmd: ['sleep', 'infinity'],
        Labels: {
          'bots.sandbox': '1',
          'bots.pid': '999999',
          'bots.host': (await import('node:os')).hostname(),
        },
        HostConfig: { NetworkMode: 'none' },
      });
      try {
        // An overlay folder of the same dead owner, in this file's own temporary directory.
        const folder = mkdtempSync(join(tmpdir(), 'bots-overlay-'));
        mkdirSync(join(folder, 'upper', 'deep'), { recursive: true });
        writeFileSync(
          join(folder, 'owner.json'),
          JSON.stringify({ pid: 999999, host: (await import('node:os')).hostname(), started: '' }),
        );
        const removed = await DockerEnvironment.removeStale({ docker });
        expect(removed).toContain(folder);
        expect(overlayTempDirectories()).not.toContain(basename(folder));
        // The container is gone (this call or another test process's sweep removed it: the
        // engine is shared).
        await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    });

    test('SIGINT to a node process holding a DockerEnvironment leaves no container', async () => {
      const fixture = makeFixture();
      fixtures.push(fixture);
      const script = await compileChildScript();
      onTestFinished(() => rmSync(dirname(script), { recursive: true, force: true }));
      const { child, ready, exited } = startChild(script, [fixture]);
      const id = await ready;
      expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  describe('what a killed process left is removed by the next run, never what a live one owns', () => {
    async function leftovers(pid: number) {
      const filter = { label: ['bots.sandbox=1', `bots.pid=${pid}`] };
      const containers = await docker.listContainers({ all: true, filters: filter });
      const volumes = (await docker.listVolumes({ filters: filter })).Volumes ?? [];
      const folders = overlayTempDirectories().filter((name) => {
        try {
          return (
            Number(JSON.parse(readFileSync(join(tmpdir(), name, 'owner.json'), 'utf8')).pid) === pid
          );
        } catch {
          return false;
        }
      });
      return {
        containers: containers.map((entry) => entry.Id).sort(),
        volumes: volumes.map((entry) => entry.Name).sort(),
        folders: folders.sort(),
      };
    }

    test('SIGKILL mid-run: the next run removes its container, overlay volume and overlay folder; a live run keeps its own', async () => {
      const fixture = makeFixture();
      onTestFinished(() => rmSync(fixture, { recursive: true, force: true }));
      const waits = await compileChildScript();
      const nextRun = await compileChildScript(CHILD_NEXT_RUN);
      onTestFinished(() => {
        rmSync(dirname(waits), { recursive: true, force: true });
        rmSync(dirname(nextRun), { recursive: true, force: true });
      });
      const killed = startChild(waits, [fixture]);
      const alive = startChild(waits, [fixture]);
      onTestFinished(async () => {
        alive.child.kill('SIGTERM');
        const timer = setTimeout(() => alive.child.kill('SIGKILL'), 30_000);
        await alive.exited;
        clearTimeout(timer);
      });
      await Promise.all([killed.ready, alive.ready]);
      const before = await leftovers(killed.child.pid!);
      expect(before.containers).toHaveLength(1);
      // The overlay of the read-only mount (and, for a sandbox of uid 0, its read-only shell).
      expect(before.volumes.filter((name) => /-0-[0-9a-f]{6}$/.test(name))).toHaveLength(1);
      expect(before.folders).toHaveLength(1);
      killed.child.kill('SIGKILL');
      expect(await killed.exited).toBe('SIGKILL');
      // SIGKILL runs no cleanup: the overlay folder (in this file's own temporary directory,
      // which no other process sweeps) is still there. (Its container and volume are too, unless
      // another test process's first start has already swept them: the engine is shared.)
      expect((await leftovers(killed.child.pid!)).folders).toEqual(before.folders);
      const aliveBefore = await leftovers(alive.child.pid!);

      const next = startChild(nextRun);
      await next.ready;
      expect(await next.exited).toBe(0);

      expect(await leftovers(killed.child.pid!)).toEqual({
        containers: [],
        volumes: [],
        folders: [],
      });
      await expect(docker.getContainer(before.containers[0]!).inspect()).rejects.toMatchObject({
        statusCode: 404,
      });
      expect(await leftovers(alive.child.pid!)).toEqual(aliveBefore);
      expect((await docker.getContainer(aliveBefore.containers[0]!).inspect()).State.Running).toBe(
        true,
      );
    });

    test('a record whose pid is alive but whose process start differs (a reused pid) is stale; the true owner is not', async () => {
      const { ownerRecord } = await import('./sandbox-owner.js');
      const owner = ownerRecord();
      const make = (started: string) =>
        docker.createContainer({
          Image: SANDBOX_IMAGE,
          Cmd: ['true'],
          Labels: {
            'bots.sandbox': '1',
            'bots.pid': owner.pid,
            'bots.host': owner.host,
            'bots.started': started,
          },
          HostConfig: { NetworkMode: 'none' },
        });
      const reused = await make(`${owner.started.split('/')[0]}/1`);
      const mine = await make(owner.started);
      try {
        const removed = await DockerEnvironment.removeStale({ docker });
        // Another test process's sweep may have removed it first (the engine is shared).
        await expect(reused.inspect()).rejects.toMatchObject({ statusCode: 404 });
        expect(removed).not.toContain(mine.id);
        expect((await mine.inspect()).Id).toBe(mine.id);
      } finally {
        await reused.remove({ force: true }).catch(() => undefined);
        await mine.remove({ force: true }).catch(() => undefined);
      }
    });
  });

  afterAll(async () => {
    // Nothing this file made is left.
    expect((await sandboxContainers()).filter((id) => !containersBefore.includes(id))).toEqual([]);
  });
});

const CHILD_WAITS = `import { DockerEnvironment } from './docker-environment.js';
const environment = new DockerEnvironment({ mounts: [{ hostPath: process.argv[2] }] });
await environment.start();
await environment.execute('echo started');
process.stdout.write('READY ' + environment.containerId + '\\n');
setInterval(() => {}, 1000);
`;

/** A later run: one DockerEnvironment started (its first start sweeps), disposed, exit. */
const CHILD_NEXT_RUN = `import { DockerEnvironment } from './docker-environment.js';
const environment = new DockerEnvironment();
await environment.start();
await environment.dispose();
process.stdout.write('READY done\\n');
`;

/**
 * Transpiles the sandbox sources into a folder under packages/core/node_modules (so `dockerode`
 * and `@bots/auth` resolve as in the package) and writes a child script with `body`.
 */
async function compileChildScript(body: string = CHILD_WAITS): Promise<string> {
  const { default: ts } = await import('typescript');
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(
    here,
    '..',
    '..',
    'node_modules',
    '.cache',
    `bots-sandbox-child-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  for (const name of readdirSync(here)) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts') || name.includes('test-support'))
      continue;
    const source = readFileSync(join(here, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
  }
  const script = join(out, 'child.mjs');
  writeFileSync(script, body);
  return script;
}

/** Starts a child node process running `script`; resolves with what follows READY. */
function startChild(
  script: string,
  args: string[] = [],
): {
  child: ChildProcess;
  ready: Promise<string>;
  exited: Promise<NodeJS.Signals | number | null>;
} {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env['PATH'] ?? '',
      DOCKER_HOST: process.env['DOCKER_HOST'] ?? '',
      TMPDIR: tmpdir(),
    },
  });
  let stdout = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /READY (\w+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`child exited early: ${stdout}`)));
  });
  return { child, ready, exited };
}
