// Item 6: what a process killed with SIGKILL leaves behind (its sandbox's temporary folder with
// the throwaway copy of a read-only mount, its cgroup) is removed when the next process starts a
// LocalEnvironment; nothing of a live process, another host, another user or a link is touched.
import { type ChildProcess, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapAvailability, describeWhen, NOBODY, RUNNING_AS_ROOT } from '@bots/test-kit';
import { afterAll, afterEach, expect, test } from 'vitest';
import { childAvailability, holdChild, runChild } from '../../test/local-child.js';
import { sandboxCgroupPlaces } from './cgroup.js';
import { LocalEnvironment } from './local-environment.js';
import { LOCAL_CGROUP_PREFIX, LOCAL_ROOT_PREFIX, OWNER_FILE } from './local-stale.js';
import { currentOwner, parseOwnerTag } from './sandbox-owner.js';

/** The temporary roots and cgroup folders whose owner tag names `pid`. */
function leftoversOf(pid: number): { roots: string[]; cgroups: string[] } {
  const roots = readdirSync(tmpdir())
    .filter(
      (name) =>
        name.startsWith(LOCAL_ROOT_PREFIX) &&
        parseOwnerTag(name.slice(LOCAL_ROOT_PREFIX.length))?.pid === pid,
    )
    .map((name) => join(tmpdir(), name));
  const cgroups: string[] = [];
  for (const place of sandboxCgroupPlaces()) {
    for (const name of readdirSync(place)) {
      if (
        name.startsWith(LOCAL_CGROUP_PREFIX) &&
        parseOwnerTag(name.slice(LOCAL_CGROUP_PREFIX.length))?.pid === pid
      ) {
        cgroups.push(join(place, name));
      }
    }
  }
  return { roots: roots.sort(), cgroups: cgroups.sort() };
}

function ended(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
}

/** How many `sleep <seconds>` processes run on the host. */
function sleepers(seconds: number): number {
  const found = spawnSync('pgrep', ['-c', '-f', `^sleep ${seconds}$`], { encoding: 'utf8' });
  return Number(found.stdout.trim() || '0');
}

/** A pid that no process has now (a child that has ended). */
function deadPid(): number {
  const child = spawnSync('/bin/sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

const children: ChildProcess[] = [];
const planted: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await ended(child);
  }
});
afterAll(async () => {
  for (const path of planted.splice(0)) {
    if (path.startsWith('/sys/')) spawnSync('rmdir', [path]);
    else rmSync(path, { recursive: true, force: true });
  }
  await LocalEnvironment.removeStale();
});

describeWhen('stale cleanup of the local sandbox (needs bwrap)', bubblewrapAvailability(), () => {
  test('after SIGKILL mid-run, the next process that starts a LocalEnvironment removes the folder, its read-only copy and the cgroup; a live process keeps its own', async () => {
    expect(childAvailability().available, childAvailability().reason).toBe(true);
    const project = mkdtempSync(join(tmpdir(), 'bots-stale-project-'));
    planted.push(project);
    writeFileSync(join(project, 'notes.txt'), 'notes\n');
    const job = (seconds: number) => ({
      options: { mounts: [{ hostPath: project, sandboxPath: '/workdir/project' }] },
      steps: [
        { execute: `echo changed > /workdir/project/notes.txt; sleep ${seconds} & echo started` },
      ],
    });
    // Durations no other test uses, to find each sandbox's sleeper on the host.
    const killedSleep = 7301 + (process.pid % 100);
    const liveSleep = killedSleep + 100;
    const killed = await holdChild(job(killedSleep));
    const live = await holdChild(job(liveSleep));
    children.push(killed.child, live.child);
    await Promise.all([killed.report, live.report]);
    const killedPid = killed.child.pid!;
    const livePid = live.child.pid!;
    const left = leftoversOf(killedPid);
    const kept = leftoversOf(livePid);
    expect(left.roots).toHaveLength(1);
    expect(readdirSync(join(left.roots[0]!, 'mounts'))).toEqual(['0']);
    expect(existsSync(join(left.roots[0]!, OWNER_FILE))).toBe(true);
    if (RUNNING_AS_ROOT) expect(left.cgroups.length).toBeGreaterThan(0);

    expect(sleepers(killedSleep)).toBe(1);
    killed.child.kill('SIGKILL');
    await ended(killed.child);
    // What the kill leaves: nothing ran the cleanup; but no process of its sandbox runs on
    // (--die-with-parent: bwrap and its pid namespace go with the killed process).
    expect(leftoversOf(killedPid)).toEqual(left);
    await expect.poll(() => sleepers(killedSleep), { timeout: 5_000 }).toBe(0);
    expect(sleepers(liveSleep)).toBe(1);

    const next = await runChild({ steps: [{ execute: 'echo next' }] });
    expect(next.results[0]).toMatchObject({ exitCode: 0, output: 'next\n' });
    expect(leftoversOf(killedPid)).toEqual({ roots: [], cgroups: [] });
    expect(leftoversOf(livePid)).toEqual(kept);
    expect(live.child.exitCode).toBeNull();

    // The static API (what `bots doctor --fix` calls) does the same and says what it removed.
    live.child.kill('SIGKILL');
    await ended(live.child);
    const removed = await LocalEnvironment.removeStale();
    expect(removed).toEqual(expect.arrayContaining([...kept.cgroups, ...kept.roots]));
    expect(leftoversOf(livePid)).toEqual({ roots: [], cgroups: [] });
  });

  test.each([
    ['as the test user', undefined],
    ...(RUNNING_AS_ROOT ? [['as nobody (no cgroup)', NOBODY] as const] : []),
  ] as const)(
    'SIGTERM mid-run, %s: the exit cleanup leaves no folder, cgroup or process behind',
    async (_name, user) => {
      expect(childAvailability().available, childAvailability().reason).toBe(true);
      const seconds = 7601 + (process.pid % 100) + (user ? 100 : 0);
      const held = await holdChild(
        { steps: [{ execute: `sleep ${seconds} & echo started` }] },
        user,
      );
      children.push(held.child);
      await held.report;
      const pid = held.child.pid!;
      expect(leftoversOf(pid).roots).toHaveLength(1);
      expect(sleepers(seconds)).toBe(1);
      held.child.kill('SIGTERM');
      await ended(held.child);
      expect(held.child.signalCode).toBe('SIGTERM');
      expect(leftoversOf(pid)).toEqual({ roots: [], cgroups: [] });
      expect(sleepers(seconds)).toBe(0);
    },
  );

  test('removeStale judges owners by pid and start time, pid namespace, host and boot, and leaves links and other users alone', async () => {
    const self = currentOwner();
    const dead = deadPid();
    const plant = (tag: string, record?: Record<string, unknown>): string => {
      const path = mkdtempSync(join(tmpdir(), `${LOCAL_ROOT_PREFIX}${tag}-`));
      planted.push(path);
      mkdirSync(join(path, 'tmp'));
      writeFileSync(join(path, 'tmp', 'left.txt'), 'left\n');
      if (record) writeFileSync(join(path, OWNER_FILE), JSON.stringify(record));
      return path;
    };
    const here = { host: self.host, bootId: self.bootId };
    const deadHere = plant(`${self.pidNamespace}-${dead}-12345`, { ...here, pid: dead });
    // This test process's own pid, but another start time: the pid was reused, the owner is dead.
    const reusedPid = plant(`${self.pidNamespace}-${process.pid}-1`, { ...here, pid: process.pid });
    // Another pid namespace's pid is meaningless here, but an earlier boot's owner is gone.
    const earlierBoot = plant(`1-${dead}-12345`, {
      host: self.host,
      bootId: '00000000-0000-0000-0000-000000000000',
    });
    const otherHost = plant(`${self.pidNamespace}-${dead}-12345`, {
      host: 'another-host',
      bootId: self.bootId,
    });
    const otherNamespace = plant(`1-${dead}-12345`, here);
    const noRecord = plant(`${self.pidNamespace}-${dead}-12345`);
    const aliveNow = plant(`${self.pidNamespace}-${process.pid}-${self.startTime}`, here);
    // A link named like a stale folder, pointing at a folder that must survive.
    const target = mkdtempSync(join(tmpdir(), 'bots-stale-target-'));
    planted.push(target);
    writeFileSync(join(target, 'keep.txt'), 'keep\n');
    const link = join(tmpdir(), `${LOCAL_ROOT_PREFIX}${self.pidNamespace}-${dead}-12345-link00`);
    symlinkSync(target, link);
    planted.push(link);
    let otherUser: string | undefined;
    if (RUNNING_AS_ROOT) {
      otherUser = plant(`${self.pidNamespace}-${dead}-12345`, here);
      chownSync(otherUser, NOBODY.uid, NOBODY.gid);
    }
    // A sandbox folder left with no permissions: its owner can still remove it.
    const locked = plant(`${self.pidNamespace}-${dead}-54321`, here);
    mkdirSync(join(locked, 'tmp', 'shut'));
    writeFileSync(join(locked, 'tmp', 'shut', 'f'), 'f');
    spawnSync('chmod', ['000', join(locked, 'tmp', 'shut')]);

    const removed = await LocalEnvironment.removeStale();
    expect(removed).toEqual(expect.arrayContaining([deadHere, reusedPid, earlierBoot, locked]));
    for (const path of [deadHere, reusedPid, earlierBoot, locked])
      expect(existsSync(path), path).toBe(false);
    for (const path of [
      otherHost,
      otherNamespace,
      noRecord,
      aliveNow,
      ...(otherUser ? [otherUser] : []),
    ]) {
      expect(existsSync(join(path, 'tmp', 'left.txt')), path).toBe(true);
      expect(removed).not.toContain(path);
    }
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(existsSync(join(target, 'keep.txt'))).toBe(true);
  });

  test.skipIf(!RUNNING_AS_ROOT)(
    `a dead owner's cgroup is removed, a live one's kept${RUNNING_AS_ROOT ? '' : ' (skipped: cgroups need root here)'}`,
    async () => {
      const self = currentOwner();
      const places = sandboxCgroupPlaces().filter((place) =>
        existsSync(join(place, 'cgroup.procs')),
      );
      expect(places.length).toBeGreaterThan(0);
      const dead = deadPid();
      const deadName = `${LOCAL_CGROUP_PREFIX}${self.pidNamespace}-${dead}-12345-aaaaaaaaaaaa`;
      const liveName = `${LOCAL_CGROUP_PREFIX}${self.pidNamespace}-${process.pid}-${self.startTime}-bbbbbbbbbbbb`;
      for (const place of places) {
        for (const name of [deadName, liveName]) {
          mkdirSync(join(place, name));
          planted.push(join(place, name));
        }
      }
      const removed = await LocalEnvironment.removeStale();
      for (const place of places) {
        expect(existsSync(join(place, deadName))).toBe(false);
        expect(removed).toContain(join(place, deadName));
        expect(existsSync(join(place, liveName))).toBe(true);
      }
    },
  );
});
