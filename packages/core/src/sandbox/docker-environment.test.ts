import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { cleanupRegistryState } from './cleanup-registry.js';
import { DockerEnvironment, type DockerEnvironmentOptions } from './docker-environment.js';
import { SANDBOX_IMAGE } from './sandbox-image.js';
import {
  type Availability,
  describeWhen,
  hashTree,
  makeFixture,
  sandboxContract,
} from './sandbox-test-support.js';

const docker = new Docker();
const availability: Availability = await docker.ping().then(
  () => ({ available: true, reason: '' }),
  (error: Error) => ({
    available: false,
    reason: `no Docker engine answers (${process.env['DOCKER_HOST'] ?? 'default socket'}: ${error.message})`,
  }),
);

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

    test('removeStale removes containers whose owner process has ended', async () => {
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
        const removed = await DockerEnvironment.removeStale({ docker });
        expect(removed).toContain(container.id);
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    });

    test('SIGINT to a node process holding a DockerEnvironment leaves no container', async () => {
      const fixture = makeFixture();
      fixtures.push(fixture);
      const script = await compileChildScript();
      onTestFinished(() => rmSync(dirname(script), { recursive: true, force: true }));
      const child = spawn(process.execPath, [script, fixture], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { PATH: process.env['PATH'] ?? '', DOCKER_HOST: process.env['DOCKER_HOST'] ?? '' },
      });
      let stdout = '';
      const ready = new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /READY (\w+)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.once('exit', () => reject(new Error(`child exited early: ${stdout}`)));
      });
      const id = await ready;
      expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  afterAll(async () => {
    // Nothing this file made is left.
    expect((await sandboxContainers()).filter((id) => !containersBefore.includes(id))).toEqual([]);
  });
});

/**
 * Transpiles the sandbox sources into a folder under packages/core/node_modules (so `dockerode`
 * and `@bots/auth` resolve as in the package) and writes a child script that starts a
 * DockerEnvironment and waits.
 */
async function compileChildScript(): Promise<string> {
  const { default: ts } = await import('typescript');
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(here, '..', '..', 'node_modules', '.cache', `bots-sandbox-child-${process.pid}`);
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
  writeFileSync(
    script,
    `import { DockerEnvironment } from './docker-environment.js';
const environment = new DockerEnvironment({ mounts: [{ hostPath: process.argv[2] }] });
await environment.start();
await environment.execute('echo started');
process.stdout.write('READY ' + environment.containerId + '\\n');
setInterval(() => {}, 1000);
`,
  );
  return script;
}
