// Attacks on the Docker sandbox from inside it, as a bot whose model replies an attacker
// controls would make them: setuid/setgid files for the host, the kernel calls Docker's default
// seccomp profile stops (the sandbox passes its own profile, which replaces it), planted setuid
// binaries and device nodes, and the shell protocol's end-of-command nonce. Run as root (CI) with
// a root-owned folder (the sandbox then runs as uid 0 without capabilities) and with a folder of
// an unprivileged owner (the sandbox runs as that owner).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWhen, dockerAvailability } from '@bots/test-kit';
import Docker from 'dockerode';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { writeSyscallProbe } from '../../test/docker-attacks.js';
import { FORGED_END_LINES, writeNonceThief } from '../../test/shell-attacks.js';
import { DockerEnvironment, type DockerEnvironmentOptions } from './docker-environment.js';

const docker = new Docker();
const availability = await dockerAvailability(docker);
const isRoot = process.getuid?.() === 0;
/** The unprivileged owner of the folders of the non-root cases. */
const OWNER = 4321;

const folders: string[] = [];
function folder(owner?: number): string {
  const path = mkdtempSync(join(tmpdir(), 'bots-containment-'));
  folders.push(path);
  if (owner !== undefined) chownSync(path, owner, owner);
  return path;
}
afterAll(() => {
  for (const path of folders) rmSync(path, { recursive: true, force: true });
});

const live: DockerEnvironment[] = [];
function sandbox(options: DockerEnvironmentOptions = {}): DockerEnvironment {
  const environment = new DockerEnvironment(options);
  live.push(environment);
  return environment;
}
afterEach(async () => {
  await Promise.all(live.splice(0).map((environment) => environment.dispose()));
});

const SETID_ATTACKS = [
  'touch chmod-u chmod-g chmod-both && chmod u+s chmod-u',
  'chmod g+s chmod-g',
  'chmod 6755 chmod-both',
  'install -m 4755 /bin/true install-4755',
  `python3 -c "import os; os.close(os.open('open-4755', os.O_CREAT | os.O_WRONLY, 0o4755))"`,
  'cp -p /usr/bin/passwd cp-p-setuid',
  `python3 -c "import os, stat; os.mknod('mknod-fifo', stat.S_IFIFO | 0o4755)"`,
  'mkdir tar-src && cp /bin/true tar-src/t && tar -C tar-src -cf setuid.tar --mode=4755 t && mkdir tar-out && tar -C tar-out -xpf setuid.tar',
  'touch fchmodat2 fchmodat-g int80 x32 && python3 /tmp/probe.py fchmodat2-setuid=fchmodat2 fchmodat-setgid=fchmodat-g',
  'python3 /tmp/probe.py int80-chmod=int80; echo "int80 rc=$?"',
  'python3 /tmp/probe.py x32-chmod=x32; echo "x32 rc=$?"',
  'python3 /tmp/probe.py openat2-create=openat2',
  `python3 -c "import os; open('caps', 'w').close(); os.setxattr('caps', 'security.capability', bytes.fromhex('0100000200000000000000000000000000000000'))" 2>&1 | tail -n 1`,
];
const SETID_FILES = [
  'chmod-u',
  'chmod-g',
  'chmod-both',
  'install-4755',
  'open-4755',
  'cp-p-setuid',
  'mknod-fifo',
  'tar-out/t',
  'fchmodat2',
  'fchmodat-g',
  'int80',
  'x32',
];

async function setidAttack(environment: DockerEnvironment, root: string) {
  const result = await environment.execute(
    `${writeSyscallProbe('/tmp/probe.py')}cd /workdir/rw && id -u && ${SETID_ATTACKS.map((attack) => `{ ${attack}; } 2>&1`).join('; ')}; touch plain-755 plain-644; chmod 0755 plain-755; chmod 0644 plain-644; stat -c '%a %n' plain-755 plain-644`,
    { timeoutMs: 60_000 },
  );
  const modes = Object.fromEntries(
    SETID_FILES.map((name) => {
      try {
        return [name, statSync(join(root, name)).mode & 0o7777];
      } catch {
        return [name, undefined];
      }
    }),
  );
  return { result, modes };
}

function expectNoSetidBits(modes: Record<string, number | undefined>, output: string): void {
  for (const [name, mode] of Object.entries(modes)) {
    expect(mode === undefined || (mode & 0o6000) === 0, `${name}: ${mode?.toString(8)}`).toBe(true);
  }
  // The attacks ran and were refused by the kernel (not skipped).
  expect(output).toMatch(/chmod: changing permissions of 'chmod-u': Operation not permitted/);
  expect(output).toMatch(/fchmodat2-setuid EPERM/);
  expect(output).toMatch(/fchmodat-setgid EPERM/);
  expect(output).toMatch(/int80 rc=159/); // SIGSYS: a 32-bit call kills the process
  expect(output).toMatch(/x32 rc=159/);
  expect(output).toMatch(/openat2-create ENOSYS/);
  expect(output).toMatch(/PermissionError|Operation not permitted/);
  expect(output).toContain('755 plain-755\n644 plain-644\n');
}

describeWhen('Docker sandbox containment (needs a Docker engine)', availability, () => {
  describe('setuid/setgid files cannot reach the host', () => {
    test('as uid 0 in a root-owned folder (root host: the sandbox is uid 0 without capabilities)', async () => {
      const root = folder();
      const environment = sandbox({
        mounts: [{ hostPath: root, sandboxPath: '/workdir/rw', mode: 'read-write' }],
      });
      const { result, modes } = await setidAttack(environment, root);
      expect(result.output.split('\n')[0]).toBe(isRoot ? '0' : String(process.getuid?.()));
      expect(statSync(join(root, 'plain-755')).mode & 0o777).toBe(0o755);
      expectNoSetidBits(modes, result.output);
      if (isRoot)
        expect(environment.notes.join(' ')).toMatch(/runs as uid 0, without any capability/);
    });

    test.skipIf(!isRoot)(
      `as the folder's unprivileged owner (${OWNER})${isRoot ? '' : ' — skipped: needs root to chown the folder'}`,
      async () => {
        const root = folder(OWNER);
        const environment = sandbox({
          mounts: [{ hostPath: root, sandboxPath: '/workdir/rw', mode: 'read-write' }],
        });
        const { result, modes } = await setidAttack(environment, root);
        expect(result.output.split('\n')[0]).toBe(String(OWNER));
        expect(statSync(join(root, 'plain-755'))).toMatchObject({ uid: OWNER, gid: OWNER });
        expectNoSetidBits(modes, result.output);
        expect(environment.notes).toEqual([]);
      },
    );
  });

  test('what Docker’s default profile stops still fails: namespaces, keyrings, BPF, perf, userfaultfd, ptrace, mounts, modules, personality, odd sockets', async () => {
    const environment = sandbox();
    const names = [
      'unshare-user',
      'unshare-mount',
      'clone-newuser',
      'clone-newnet',
      'setns',
      'keyctl',
      'add_key',
      'request_key',
      'bpf',
      'perf_event_open',
      'userfaultfd',
      'ptrace',
      'process_vm_readv',
      'pidfd_getfd',
      'kcmp',
      'mount',
      'personality-no-aslr',
      'personality-no-aslr-high-bits',
      'personality-read-implies-exec',
      'socket-vsock',
      'socket-vsock-high-bits',
      'socket-packet',
      'init_module',
      'kexec_load',
      'open_by_handle_at',
    ];
    const result = await environment.execute(
      `${writeSyscallProbe('/tmp/probe.py')}python3 /tmp/probe.py ${names.join(' ')} clone3 io_uring_setup personality-linux socket-inet socket-unix; unshare -U true; unshare -r true; setarch -R true; grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status`,
    );
    const outcome = Object.fromEntries(
      result.output
        .split('\n')
        .map((line) => line.split(' '))
        .filter((parts) => parts.length === 2)
        .map(([name, value]) => [name, value]),
    );
    for (const name of names) expect(outcome[name], name).toBe('EPERM');
    // Calls whose flags a filter cannot see: refused so that programs fall back.
    expect(outcome).toMatchObject({ clone3: 'ENOSYS', io_uring_setup: 'ENOSYS' });
    // Controls: what programs need still works.
    expect(outcome).toMatchObject({
      'personality-linux': 'ok',
      'socket-inet': 'ok',
      'socket-unix': 'ok',
    });
    expect(result.output).toMatch(/unshare: unshare failed: Operation not permitted/);
    expect(result.output).toMatch(/setarch: failed to set personality/);
    expect(result.output).toMatch(/CapEff:\s+0{16}/);
    expect(result.output).toMatch(/CapBnd:\s+0{16}/);
    expect(result.output).toMatch(/NoNewPrivs:\s+1/);
    expect(result.output).toMatch(/Seccomp:\s+2/);
  });

  test.skipIf(!isRoot)(
    `a setuid-root binary the host left in the folder does not run setuid inside; a planted device node stays closed${isRoot ? '' : ' — skipped: needs root to plant them'}`,
    async () => {
      const root = folder(OWNER);
      copyFileSync('/usr/bin/id', join(root, 'suid-id'));
      chmodSync(join(root, 'suid-id'), 0o4755);
      expect(spawnSync('mknod', [join(root, 'mem-node'), 'c', '1', '1']).status).toBe(0);
      const readOnly = folder(OWNER);
      expect(spawnSync('mknod', [join(readOnly, 'null-node'), 'c', '1', '3']).status).toBe(0);
      const environment = sandbox({
        mounts: [
          { hostPath: root, sandboxPath: '/workdir/rw', mode: 'read-write' },
          { hostPath: readOnly, sandboxPath: '/workdir/ro' },
        ],
      });
      const result = await environment.execute(
        'ls -l /workdir/rw/suid-id | cut -c1-10; /workdir/rw/suid-id -u; head -c1 /workdir/rw/mem-node; head -c1 /workdir/ro/null-node; echo; grep " /workdir/ro " /proc/self/mountinfo',
      );
      const lines = result.output.split('\n');
      expect(lines[0]).toBe('-rwsr-xr-x');
      expect(lines[1]).toBe(String(OWNER)); // not 0: the s-bit gave nothing
      expect(result.output).toMatch(/mem-node' for reading: Operation not permitted/); // devices cgroup
      expect(result.output).toMatch(/null-node' for reading: Permission denied/); // nodev
      expect(result.output).toMatch(/ \/workdir\/ro \S*nosuid,nodev/);
    },
  );

  describe('copyIn never writes through a link a command made inside', () => {
    test('a link on the path (ln -s /etc /workdir/logs) and a link that is the target itself are refused; nothing is written', async () => {
      const environment = sandbox();
      const source = folder();
      writeFileSync(join(source, 'x.txt'), 'from the host\n');
      await environment.execute(
        'ln -s /etc /workdir/logs; echo original > /tmp/real.txt; ln -s /tmp/real.txt /workdir/target.txt',
      );
      await expect(
        environment.copyIn(join(source, 'x.txt'), '/workdir/logs/x.txt'),
      ).rejects.toThrow(
        /^copyIn to \/workdir\/logs\/x\.txt was refused: \/workdir\/logs is a symbolic link made inside the sandbox, and copyIn never writes through a link\./,
      );
      await expect(environment.copyIn(source, '/workdir/logs/tree')).rejects.toThrow(
        /\/workdir\/logs is a symbolic link/,
      );
      await expect(
        environment.copyIn(join(source, 'x.txt'), '/workdir/target.txt'),
      ).rejects.toThrow(/\/workdir\/target\.txt is a symbolic link/);
      const after = await environment.execute('ls /etc/x.txt 2>&1; cat /tmp/real.txt');
      expect(after.output).toMatch(/No such file or directory\noriginal\n$/);
      await environment.copyIn(join(source, 'x.txt'), '/workdir/fine/x.txt');
      expect((await environment.execute('cat /workdir/fine/x.txt')).output).toBe('from the host\n');
    });
  });

  test('what the engine keeps from the sandbox: global sysctls, its cgroup limits, host processes', async () => {
    const environment = sandbox();
    const { output } = await environment.execute(
      [
        'echo "|/tmp/x" > /proc/sys/kernel/core_pattern 2>/dev/null && echo SYSCTL-WRITTEN',
        'echo max > /sys/fs/cgroup/pids/pids.max 2>/dev/null && echo PIDS-RAISED',
        'echo max > /sys/fs/cgroup/pids.max 2>/dev/null && echo PIDS-RAISED',
        'echo -1 > /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null && echo MEMORY-RAISED',
        'echo max > /sys/fs/cgroup/memory.max 2>/dev/null && echo MEMORY-RAISED',
        `kill -0 ${process.pid} 2>/dev/null && echo HOST-PROCESS-VISIBLE`,
        'ls /proc | grep -c "^[0-9]"',
      ].join('\n'),
    );
    expect(output).not.toMatch(/SYSCTL-WRITTEN|PIDS-RAISED|MEMORY-RAISED|HOST-PROCESS-VISIBLE/);
    expect(Number(output.trim().split('\n').at(-1))).toBeLessThan(12);
    const limits = await environment.execute(
      'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
    );
    expect(limits.output.trim()).toBe('256');
  });

  describe('the shell protocol: a program the command runs cannot learn or forge the end of its output', () => {
    const cases: [string, DockerEnvironmentOptions][] = [
      ['as the image user (1000, no mounts)', {}],
      ['as uid 0 without capabilities', { user: '0:0' }],
    ];
    for (const [label, options] of cases) {
      test(label, async () => {
        const environment = sandbox(options);
        const stolen = await environment.execute(
          `${writeNonceThief('/tmp/thief.py')}id -u; python3 /tmp/thief.py`,
        );
        expect(stolen.output.split('\n')[0]).toBe(options.user ? '0' : '1000');
        expect(stolen.output).toMatch(/environ:EACCES/);
        expect(stolen.output).toMatch(/fd-open:0 /);
        expect(stolen.output).toMatch(/mem:EACCES/);
        expect(stolen.output).toMatch(/ptrace:EPERM/);
        expect(stolen.output).toMatch(/tokens=0/);
        expect(stolen.exitCode).toBe(5);
        expect(stolen.output).toContain('INJECTED-LATE');
        const forged = await environment.execute(FORGED_END_LINES);
        expect(forged.exitCode).toBe(3);
        const next = await environment.execute('sleep 1; echo next');
        expect(next).toMatchObject({ exitCode: 0, output: 'next\n' });
      });
    }

    test('uid 0 cannot make the shell readable for the next shell', async () => {
      const environment = sandbox({ user: '0:0' });
      const result = await environment.execute(
        'ls -l /usr/local/libexec/bots/bash | cut -c1-10; chmod 0755 /usr/local/libexec/bots/bash; mv /usr/local/libexec/bots /usr/local/libexec/moved; cp /bin/bash /usr/local/libexec/bots/bash; true',
      );
      expect(result.output).toMatch(/^---x--x--x\n/);
      expect(result.output).toMatch(/chmod: .*Read-only file system/);
      expect(result.output).toMatch(/mv: .*(Device or resource busy|Read-only)/);
      expect(result.output).toMatch(/cp: .*Read-only file system/);
    });
  });

  describe('who the sandbox runs as', () => {
    test('without mounts: the image user 1000:1000, not root', async () => {
      const environment = sandbox();
      expect((await environment.execute('id -u; id -g')).output).toBe('1000\n1000\n');
    });

    test.skipIf(!isRoot)(
      `a read-only folder of an unprivileged owner: its owner, and writes inside still work (overlay)${isRoot ? '' : ' — skipped: needs root'}`,
      async () => {
        const root = folder(OWNER);
        writeFileSync(join(root, 'a.txt'), 'alpha\n');
        chownSync(join(root, 'a.txt'), OWNER, OWNER);
        const environment = sandbox({ mounts: [{ hostPath: root, sandboxPath: '/workdir/p' }] });
        const result = await environment.execute(
          'id -u; echo changed > a.txt && echo new > b.txt && cat a.txt b.txt',
        );
        expect(result.output).toBe(`${OWNER}\nchanged\nnew\n`);
        expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('alpha\n');
      },
    );

    test('the user option wins, and copyIn gives that user the copied files', async () => {
      const environment = sandbox({ user: '2345:2346' });
      const source = folder();
      writeFileSync(join(source, 'f.txt'), 'x\n');
      await environment.copyIn(join(source, 'f.txt'), '/workdir/in/f.txt');
      await environment.copyIn(source, '/workdir/tree');
      const result = await environment.execute(
        'id -u; id -g; stat -c "%u:%g" /workdir/in/f.txt /workdir/tree/f.txt; echo more >> /workdir/tree/f.txt && echo writable',
      );
      expect(result.output).toBe('2345\n2346\n2345:2346\n2345:2346\nwritable\n');
    });
  });

  test('an option the engine refuses fails the start with a SandboxError that names the options, not a raw HTTP error', async () => {
    const environment = new DockerEnvironment({ cpus: 4096 });
    await expect(environment.start()).rejects.toMatchObject({
      name: 'SandboxError',
      message: expect.stringMatching(
        /The Docker engine refused to create the sandbox container \(HTTP 400\): .*CPU.*Check the DockerEnvironment options \(image, memory, pids, cpus/s,
      ),
    });
  });
});
