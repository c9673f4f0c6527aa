import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapAvailability, describeWhen } from '@bots/test-kit';
import { afterEach, describe, expect, test } from 'vitest';
import { hashTree, makeFixture } from '../../test/folder-fixture.js';
import { sandboxContract } from '../../test/sandbox-contract.js';
import { cleanupRegistryState } from './cleanup-registry.js';
import { SandboxError } from './errors.js';
import { LocalEnvironment } from './local-environment.js';

function localTempDirectories(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('bots-local-'));
}

test('missing bwrap: a SandboxError with the install hint', () => {
  const create = () => new LocalEnvironment({ bwrapPath: '/nonexistent/bwrap' });
  expect(create).toThrow(SandboxError);
  expect(create).toThrow(/apt-get install bubblewrap/);
});

test('bubblewrap older than 0.8 (no --disable-userns): a SandboxError at construction that says so', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bots-old-bwrap-'));
  try {
    const fake = join(directory, 'bwrap');
    writeFileSync(fake, '#!/bin/sh\necho "bubblewrap 0.6.1"\n', { mode: 0o755 });
    const create = () => new LocalEnvironment({ bwrapPath: fake });
    expect(create).toThrow(SandboxError);
    expect(create).toThrow(
      `LocalEnvironment needs bubblewrap 0.8 or newer (for --disable-userns); ${fake} is 0.6.1. Upgrade bubblewrap`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

describeWhen('LocalEnvironment (needs bwrap)', bubblewrapAvailability(), () => {
  describe('the Environment contract', () => {
    sandboxContract((options) => new LocalEnvironment(options));
  });

  describe('bubblewrap specifics', () => {
    const live: LocalEnvironment[] = [];
    afterEach(async () => {
      await Promise.all(live.splice(0).map((environment) => environment.dispose()));
    });

    test('limits come from a cgroup of its own (or a note says there are none)', async () => {
      const environment = new LocalEnvironment({ pids: 50 });
      live.push(environment);
      await environment.start();
      const found = spawnSync(
        'find',
        ['/sys/fs/cgroup', '-maxdepth', '8', '-type', 'd', '-name', 'bots-sandbox-*'],
        {
          encoding: 'utf8',
        },
      )
        .stdout.split('\n')
        .filter(Boolean);
      if (environment.notes.some((note) => note.startsWith('No pids/memory limits'))) {
        expect(found).toEqual([]);
        return;
      }
      const pidsDirectory = found.find((directory) => existsSync(join(directory, 'pids.max')));
      expect(pidsDirectory).toBeDefined();
      expect(readFileSync(join(pidsDirectory!, 'pids.max'), 'utf8').trim()).toBe('50');
      const members = readFileSync(join(pidsDirectory!, 'cgroup.procs'), 'utf8')
        .split('\n')
        .filter(Boolean);
      expect(members.length).toBeGreaterThanOrEqual(2);
    });

    test('only /usr, a minimal /etc and its own folders are visible', async () => {
      const environment = new LocalEnvironment();
      live.push(environment);
      const { output } = await environment.execute(
        'ls -A /; echo ---; ls -A /etc; echo ---; cat /etc/passwd | cut -d: -f1,6; whoami; echo $HOME',
      );
      const [root, etc, rest] = output.split('---\n');
      expect(root!.split('\n').filter(Boolean).sort()).toEqual(
        expect.arrayContaining(['dev', 'etc', 'home', 'proc', 'tmp', 'usr', 'workdir']),
      );
      expect(root).not.toMatch(/^(root|var|opt|srv|mnt|media|boot|run)$/m);
      expect(etc).not.toMatch(/^(shadow|ssh|sudoers)$/m);
      expect(rest).toContain('/home/bot');
    });

    test('dispose kills the process tree and leaves no temporary folder or cgroup', async () => {
      const fixture = makeFixture();
      const hash = hashTree(fixture);
      const before = localTempDirectories();
      const environment = new LocalEnvironment({ mounts: [{ hostPath: fixture }] });
      await environment.start();
      await environment.execute('sleep 1000 & echo changed > a.txt');
      expect(localTempDirectories().length).toBe(before.length + 1);
      await environment.dispose();
      await environment.dispose();
      expect(localTempDirectories()).toEqual(before);
      const sleepers = spawnSync('pgrep', ['-f', '^sleep 1000$'], {
        encoding: 'utf8',
      }).stdout.trim();
      expect(sleepers).toBe('');
      expect(hashTree(fixture)).toBe(hash);
      const left = spawnSync(
        'find',
        ['/sys/fs/cgroup', '-maxdepth', '8', '-type', 'd', '-name', 'bots-sandbox-*'],
        {
          encoding: 'utf8',
        },
      ).stdout.trim();
      expect(left).toBe('');
      expect(cleanupRegistryState()).toEqual({ entries: 0, listening: false });
      rmSync(fixture, { recursive: true, force: true });
    });
  });
});
