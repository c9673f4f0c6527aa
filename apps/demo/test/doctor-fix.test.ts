// `bots doctor --fix`: what a run killed with SIGKILL left (its Docker container and overlay
// folder, its bubblewrap sandbox's temporary folder) is removed; what a live run owns stays.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerAvailability, testWhen } from '@bots/test-kit';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanEnv, containersOf, runCli } from './helpers.js';

const docker = await dockerAvailability();
const DEMO = dirname(dirname(fileURLToPath(import.meta.url)));

/** A process that starts a sandbox (with a read-only mount) and keeps it until it is killed. */
const HOLDER = `
import { DockerEnvironment, LocalEnvironment } from '@bots/core';
const [kind, folder] = JSON.parse(process.argv[1]);
const Sandbox = kind === 'docker' ? DockerEnvironment : LocalEnvironment;
const sandbox = new Sandbox({ mounts: [{ hostPath: folder, sandboxPath: '/workdir/project' }] });
await sandbox.execute('echo started > /tmp/started');
process.stdout.write('ready\\n');
setInterval(() => undefined, 60_000);
`;

const children: ChildProcess[] = [];
const folders: string[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function hold(kind: 'docker' | 'local'): Promise<ChildProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'bots-fix-project-'));
  folders.push(folder);
  writeFileSync(join(folder, 'a.txt'), 'alpha\n');
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', HOLDER, JSON.stringify([kind, folder])],
    { cwd: DEMO, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      if (String(chunk).includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the holder ended (${code}): ${stderr}`)));
  });
}

/** The pid in an overlay folder's owner record, if it has one. */
function overlayOwner(name: string): string | undefined {
  try {
    return String(JSON.parse(readFileSync(join(tmpdir(), name, 'owner.json'), 'utf8')).pid);
  } catch {
    return undefined;
  }
}

/** Temporary folders (local roots: the pid is in the name; overlay folders: in owner.json). */
function foldersOf(pid: number): string[] {
  return readdirSync(tmpdir()).filter(
    (name) =>
      (name.startsWith('bots-local-') && name.includes(`-${pid}-`)) ||
      (name.startsWith('bots-overlay-') && overlayOwner(name) === String(pid)),
  );
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('bots doctor --fix removes what killed runs left, never what a live run owns', () => {
  test('bubblewrap: the temporary folder of a SIGKILLed run is removed; a live one stays', async () => {
    const dead = await hold('local');
    const live = await hold('local');
    const deadFolders = foldersOf(dead.pid!);
    expect(deadFolders).toHaveLength(1);
    const liveFolders = foldersOf(live.pid!);
    expect(liveFolders).toHaveLength(1);
    await killed(dead);
    // Other test files' CLIs run beside this one, and a sandbox's first start sweeps what dead
    // owners left too: the report must name the folder unless another sweep was first.
    const stillThere = foldersOf(dead.pid!).length > 0;
    const run = await runCli(['doctor', '--fix'], { env: cleanEnv() });
    if (stillThere) {
      expect(run.stdout).toMatch(/\n {12}local: removed \d+ left by ended runs:\n/);
      expect(run.stdout).toContain(join(tmpdir(), deadFolders[0]!));
    }
    expect(foldersOf(dead.pid!)).toEqual([]);
    expect(foldersOf(live.pid!)).toEqual(liveFolders);
    await killed(live);
  });

  testWhen(docker)(
    `Docker: the container and overlay folder of a SIGKILLed run are removed; a live one's stay`,
    async () => {
      const dead = await hold('docker');
      const live = await hold('docker');
      const [deadContainer] = await containersOf(dead.pid!);
      expect(deadContainer).toBeDefined();
      expect(foldersOf(dead.pid!)).toHaveLength(1);
      const liveContainers = await containersOf(live.pid!);
      expect(liveContainers).toHaveLength(1);
      await killed(dead);
      const stillThere = (await containersOf(dead.pid!)).length > 0;
      const run = await runCli(['doctor', '--fix']);
      if (stillThere) {
        expect(run.stdout).toMatch(/docker: removed \d+ left by ended runs:/);
        expect(run.stdout).toContain(deadContainer!);
      }
      expect(await containersOf(dead.pid!)).toEqual([]);
      expect(foldersOf(dead.pid!)).toEqual([]);
      expect(await containersOf(live.pid!)).toEqual(liveContainers);
      await killed(live);
    },
  );
});
