// Attacks on the bubblewrap sandbox, as a model that controls the commands would try them: run
// as the test process's user (root in CI) and, where the user matters, as `nobody` through a
// child process. Each test fails when the protection it names is removed.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapAvailability, describeWhen, NOBODY, RUNNING_AS_ROOT } from '@bots/test-kit';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { FORK_LOOP } from '../../test/fork-loop.js';
import { childAvailability, runChild } from '../../test/local-child.js';
import { FORGED_END_LINES, writeNonceThief } from '../../test/shell-attacks.js';
import { SandboxError } from './errors.js';
import { LocalEnvironment, type LocalEnvironmentOptions } from './local-environment.js';

const SANDBOX_UID = RUNNING_AS_ROOT ? 1000 : process.getuid?.();

const folders: string[] = [];
function folder(owner?: { uid: number; gid: number }): string {
  const path = mkdtempSync(join(tmpdir(), 'bots-attack-'));
  folders.push(path);
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
}
afterAll(() => {
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** Files under `root` (recursively) whose mode has the setuid or setgid bit. */
function setidFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path);
    if ((info.mode & 0o6000) !== 0 && !info.isDirectory()) found.push(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return found;
}

/** The setuid/setgid attacks; each prints `LANDED <name>` if its file got an s-bit. */
function setidAttacks(setuidBinary: string | undefined): string {
  const check = (name: string) =>
    `if [ -u ${name} ] || [ -g ${name} ]; then echo "LANDED ${name}"; fi`;
  const lines = [
    'echo x > chmod-u; chmod u+s chmod-u',
    check('chmod-u'),
    'echo x > chmod-g; chmod g+s chmod-g',
    check('chmod-g'),
    'echo x > chmod-octal; chmod 6755 chmod-octal',
    check('chmod-octal'),
    'install -m 4755 /usr/bin/true installed',
    check('installed'),
    `python3 -c 'import os; os.close(os.open("py-open", os.O_CREAT | os.O_WRONLY, 0o4755))'`,
    check('py-open'),
    `python3 -c 'import os; fd = os.open("py-fchmod", os.O_CREAT | os.O_WRONLY, 0o644); os.fchmod(fd, 0o4755)'`,
    check('py-fchmod'),
    `python3 -c 'import os, stat; os.mknod("py-mknod", stat.S_IFREG | 0o4755)'`,
    check('py-mknod'),
    `python3 -c 'import os; os.mkfifo("py-fifo", 0o4755)'`,
    check('py-fifo'),
    `perl -e 'open(my $f, ">", "perl-chmod"); close $f; chmod(04755, "perl-chmod")'`,
    check('perl-chmod'),
    // An archive the model fetched: tar -p restores the modes it holds.
    'mkdir -p /tmp/t && cp /usr/bin/true /tmp/t/from-tar && chmod 0755 /tmp/t/from-tar',
    `python3 -c '
import tarfile
with tarfile.open("/tmp/t.tar", "w") as archive:
    info = archive.gettarinfo("/tmp/t/from-tar", "from-tar")
    info.mode = 0o4755
    with open("/tmp/t/from-tar", "rb") as data:
        archive.addfile(info, data)
'`,
    'tar -xpf /tmp/t.tar',
    check('from-tar'),
  ];
  if (setuidBinary) {
    lines.push(
      `cp -p ${setuidBinary} cp-p`,
      check('cp-p'),
      `cp -a ${setuidBinary} cp-a`,
      check('cp-a'),
    );
  }
  return lines.map((line) => `{ ${line}\n} 2>/dev/null`).join('\n');
}

const SETUID_BINARY = ['/usr/bin/su', '/usr/bin/passwd', '/usr/bin/mount', '/usr/bin/newgrp'].find(
  (path) => existsSync(path) && (lstatSync(path).mode & 0o4000) !== 0,
);

/** The i386 (`int 0x80`) and x32 ABIs: a second syscall table that a filter checking only x86_64 numbers misses. */
const FOREIGN_ABI_ATTACK = `import ctypes, mmap, sys
libc = ctypes.CDLL(None, use_errno=True)
open("abi-target", "w").close()
path = b"abi-target"
if sys.argv[1] == "x32":
    libc.syscall.restype = ctypes.c_long
    libc.syscall(ctypes.c_long(0x40000000 | 90), path, ctypes.c_long(0o4755))
else:
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    page = libc.mmap(None, 4096, 7, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x40, -1, 0)
    ctypes.memmove(page + 512, path + b"\\0", len(path) + 1)
    at = (page + 512).to_bytes(4, "little")
    # push rbx; mov eax, 15 (i386 chmod); mov ebx, path; mov ecx, 04755; int 0x80; pop rbx; ret
    code = b"\\x53\\xb8" + (15).to_bytes(4, "little") + b"\\xbb" + at + b"\\xb9" + (0o4755).to_bytes(4, "little") + b"\\xcd\\x80\\x5b\\xc3"
    ctypes.memmove(page, code, len(code))
    ctypes.CFUNCTYPE(ctypes.c_int)(page)()
print("survived", flush=True)
`;

describeWhen('LocalEnvironment attacked (needs bwrap)', bubblewrapAvailability(), () => {
  const live: LocalEnvironment[] = [];
  const create = (options?: LocalEnvironmentOptions) => {
    const environment = new LocalEnvironment(options);
    live.push(environment);
    return environment;
  };
  afterEach(async () => {
    await Promise.all(live.splice(0).map((environment) => environment.dispose()));
  });

  describe('item 1: the shell holds no capability, also when the host process is root', () => {
    test(`the shell's capability sets are empty; no_new_privs and the seccomp filter are on; it runs as uid ${SANDBOX_UID}`, async () => {
      const environment = create();
      const { output } = await environment.execute(
        "grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status; id -u; id -un",
      );
      expect(output).toMatch(/^CapEff:\s+0000000000000000$/m);
      for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
        expect(output).toMatch(new RegExp(`^${set}:\\s+0000000000000000$`, 'm'));
      }
      expect(output).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(output).toMatch(/^Seccomp:\s+2$/m);
      expect(output.trim().split('\n').slice(-2)).toEqual([String(SANDBOX_UID), 'bot']);
    });

    test('no capability can be regained: nested user namespaces are refused', async () => {
      const environment = create();
      const { output } = await environment.execute(
        `unshare -Ur true 2>/dev/null && echo NESTED-USERNS; python3 -c 'import ctypes; print("unshare:", ctypes.CDLL(None).unshare(0x10000000))'`,
      );
      expect(output).not.toContain('NESTED-USERNS');
      expect(output).toContain('unshare: -1');
    });

    test('it sees no host process, inherits no descriptor of bwrap (seccomp, info) and has no terminal to inject keystrokes into', async () => {
      const environment = create();
      const { output } = await environment.execute(
        [
          'ls /proc | grep -c "^[0-9]"',
          `kill -0 ${process.pid} 2>/dev/null && echo HOST-PROCESS-VISIBLE`,
          'ls /proc/$$/fd | tr "\\n" " "; echo',
          `python3 -c 'import fcntl, termios; fcntl.ioctl(open("/dev/tty", "w"), termios.TIOCSTI, b"x")' 2>&1 | tail -1`,
        ].join('\n'),
      );
      const [count, fds, tty] = output.trim().split('\n');
      expect(Number(count)).toBeLessThan(12);
      expect(output).not.toContain('HOST-PROCESS-VISIBLE');
      expect(fds!.split(' ')).not.toContain('3');
      expect(fds!.split(' ')).not.toContain('4');
      expect(tty).toMatch(/No such device or address/);
    });

    test("remounting any of its mounts read-write fails, and no write reaches the host's /usr or /etc", async () => {
      const readOnly = folder();
      writeFileSync(join(readOnly, 'kept.txt'), 'kept\n');
      const readWrite = folder();
      const probe = `bots-probe-${randomBytes(4).toString('hex')}`;
      const environment = create({
        mounts: [
          { hostPath: readOnly, sandboxPath: '/workdir/ro' },
          { hostPath: readWrite, sandboxPath: '/workdir/rw', mode: 'read-write' },
        ],
      });
      const { output } = await environment.execute(
        [
          'cut -d" " -f5 /proc/self/mountinfo > /tmp/points',
          'while read -r point; do',
          '  mount -o remount,rw,bind "$point" 2>/dev/null && echo "REMOUNTED $point"',
          '  mount -o remount,rw "$point" 2>/dev/null && echo "REMOUNTED $point"',
          'done < /tmp/points',
          `mount -t tmpfs none /usr/local 2>/dev/null && echo MOUNTED-TMPFS`,
          `touch /usr/${probe} /usr/bin/${probe} /etc/${probe} /${probe} 2>/dev/null && echo WROTE`,
          '{ : >> /etc/hosts; } 2>/dev/null && echo WROTE-HOSTS',
          '{ : >> /etc/passwd; } 2>/dev/null && echo WROTE-PASSWD',
          'wc -l < /tmp/points',
        ].join('\n'),
      );
      const landed = [`/usr/${probe}`, `/usr/bin/${probe}`, `/etc/${probe}`].filter((path) =>
        existsSync(path),
      );
      for (const path of landed) rmSync(path, { force: true });
      expect(output).not.toMatch(/REMOUNTED|MOUNTED-TMPFS|WROTE/);
      expect(Number(output.trim().split('\n').at(-1))).toBeGreaterThan(10);
      expect(landed, 'files the sandbox wrote into the host').toEqual([]);
    });

    test('global sysctls and the rest of /proc stay read-only (the user namespace maps to the host uid, which is all a sysctl checks)', async () => {
      const environment = create();
      // Writing the value a sysctl already has: harmless if this protection were missing.
      const { output } = await environment.execute(
        'for name in sys/kernel/printk_ratelimit sys/vm/stat_interval self/oom_score_adj; do v=$(cat /proc/$name); { echo "$v" > /proc/$name; } 2>/dev/null && echo "WROTE $name"; done; grep " /proc " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1',
      );
      expect(output).not.toContain('WROTE');
      expect(output.trim()).toBe('ro');
    });

    test("the host's device nodes cannot be changed: a chmod of /dev/null inside leaves the host's untouched", async () => {
      const names = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
      const before = names.map((name) => statSync(`/dev/${name}`));
      const environment = create();
      // The modes the nodes already have: a change of the host's would show only in its ctime.
      const { output } = await environment.execute(
        `for d in ${names.join(' ')}; do chmod "$(stat -c %a /dev/$d)" /dev/$d 2>/dev/null; touch -r /dev/$d /dev/$d 2>/dev/null; done; echo hi > /dev/null && head -c 4 /dev/urandom | wc -c`,
      );
      expect(output).toBe('4\n');
      const after = names.map((name) => statSync(`/dev/${name}`));
      for (const [index, name] of names.entries()) {
        expect(after[index]!.ctimeMs, `/dev/${name}`).toBe(before[index]!.ctimeMs);
        expect(after[index]!.mode, `/dev/${name}`).toBe(before[index]!.mode);
      }
      expect(environment.notes.filter((note) => note.includes('/dev/null'))).toEqual([]);
    });

    test('it cannot reach its cgroup (no /sys, cgroup mounts refused), and the limits still stop a fork loop', async () => {
      const environment = create({ pids: 64, memory: 256 * 1024 ** 2 });
      await environment.start();
      const cgroups = ownSandboxCgroups();
      if (environment.notes.some((note) => note.startsWith('No pids/memory limits'))) {
        throw new Error('expected a cgroup: these tests run as root in CI');
      }
      const { output } = await environment.execute(
        [
          'ls /sys 2>&1 | head -1',
          'mkdir -p /tmp/cg /tmp/cgm /tmp/cg2',
          // In its own cgroup namespace, a cgroup file system mounted inside shows its own cgroup.
          'mount -t cgroup -o pids none /tmp/cg 2>/dev/null && echo MOUNTED-V1 && { echo max > /tmp/cg/pids.max; } 2>/dev/null && echo WROTE-PIDS',
          'mount -t cgroup -o memory none /tmp/cgm 2>/dev/null && echo MOUNTED-V1 && { echo -1 > /tmp/cgm/memory.limit_in_bytes; } 2>/dev/null && echo WROTE-MEMORY',
          'mount -t cgroup2 none /tmp/cg2 2>/dev/null && echo MOUNTED-V2 && { echo max > /tmp/cg2/pids.max; } 2>/dev/null && echo WROTE-PIDS',
          'for f in /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do { echo max > "$f"; } 2>/dev/null && echo "WROTE $f"; done',
          'find / -maxdepth 8 \\( -path /proc -o -path /usr \\) -prune -o \\( -name pids.max -o -name memory.limit_in_bytes -o -name memory.max \\) -print 2>/dev/null | head -3',
        ].join('\n'),
      );
      expect(output).toMatch(/^ls: cannot access '\/sys': No such file or directory$/m);
      expect(output).not.toMatch(/MOUNTED|WROTE|pids\.max|memory\./);
      const pids = cgroups.find((directory) => existsSync(join(directory, 'pids.max')));
      expect(pids, 'the sandbox has a pids cgroup').toBeDefined();
      expect(readFileSync(join(pids!, 'pids.max'), 'utf8').trim()).toBe('64');
      const memory = cgroups.find((directory) =>
        existsSync(join(directory, 'memory.limit_in_bytes')),
      );
      if (memory) {
        expect(readFileSync(join(memory, 'memory.limit_in_bytes'), 'utf8').trim()).toBe(
          String(256 * 1024 ** 2),
        );
      }
      const fork = await environment.execute(FORK_LOOP, { timeoutMs: 60_000 });
      const match = /fork failed after (\d+) children/.exec(fork.output);
      expect(match, fork.output).not.toBeNull();
      expect(Number(match![1])).toBeLessThan(64);
      const hog = await environment.execute(
        `python3 -c 'data = b"x" * (1024 ** 3); print("allocated", len(data))'`,
        { timeoutMs: 60_000 },
      );
      expect(hog.output).not.toMatch(/^allocated/m);
      expect(hog.exitCode).toBe(137);
      expect((await environment.execute('echo alive')).output).toBe('alive\n');
    });

    test.skipIf(!RUNNING_AS_ROOT)(
      `as nobody (an unprivileged host process): no capability, a user namespace still, no cgroup and notes says so${RUNNING_AS_ROOT ? '' : ' (skipped: the test drops privileges from root; this process already is unprivileged)'}`,
      async () => {
        expect(childAvailability().available, childAvailability().reason).toBe(true);
        const report = await runChild(
          {
            steps: [
              {
                execute:
                  "grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status; id -u; unshare -Ur true 2>/dev/null && echo NESTED-USERNS; grep -c . /proc/self/uid_map",
              },
            ],
          },
          NOBODY,
        );
        expect(report.uid).toBe(NOBODY.uid);
        const [result] = report.results as { output: string; exitCode: number }[];
        expect(result!.output).toMatch(/^CapEff:\s+0000000000000000$/m);
        expect(result!.output).toMatch(/^CapBnd:\s+0000000000000000$/m);
        expect(result!.output).not.toContain('NESTED-USERNS');
        expect(result!.output.trim().split('\n').slice(-2)).toEqual([String(NOBODY.uid), '1']);
        expect(report.notes.join('\n')).toMatch(
          /^No pids\/memory limits: a cgroup could not be made/,
        );
      },
    );
  });

  test.skipIf(!RUNNING_AS_ROOT)(
    `as nobody, limits set explicitly that no cgroup can enforce fail the start (never dropped silently)${RUNNING_AS_ROOT ? '' : ' (skipped: the test drops privileges from root)'}`,
    async () => {
      const report = await runChild(
        { options: { pids: 64 }, steps: [{ execute: 'echo ran' }] },
        NOBODY,
      );
      expect(report.results[0]).toMatchObject({
        error: 'SandboxError',
        message: expect.stringMatching(
          /^The memory\/pids limits you set cannot be applied: a cgroup could not be made \(.*\)\. Run as root, .* or pass limits: false without memory and pids to run without limits\.$/,
        ),
      });
      expect(report.results).toHaveLength(1);
    },
  );

  describe('item 8: a program the command runs cannot learn or forge the end of its output', () => {
    const expectThiefStopped = (output: string, exitCode: number) => {
      expect(output).toMatch(/environ:EACCES/);
      expect(output).toMatch(/fd-open:0 /);
      expect(output).toMatch(/mem:EACCES/);
      expect(output).toMatch(/ptrace:EPERM/);
      expect(output).toMatch(/tokens=0/);
      expect(exitCode).toBe(5);
      expect(output).toContain('INJECTED-LATE');
    };

    test(`as uid ${SANDBOX_UID}: the shell (an execute-only bash) is not readable by its children; forged end lines keep the real exit code and nothing reaches the next result`, async () => {
      const environment = create();
      const stolen = await environment.execute(
        `${writeNonceThief('/tmp/thief.py')}python3 /tmp/thief.py`,
      );
      expectThiefStopped(stolen.output, stolen.exitCode);
      const forged = await environment.execute(FORGED_END_LINES);
      expect(forged.exitCode).toBe(3);
      const next = await environment.execute('sleep 1; echo next');
      expect(next).toMatchObject({ exitCode: 0, output: 'next\n' });
    });

    test('the shell cannot be made readable for the next shell: no read, no chmod, no replacement', async () => {
      const environment = create();
      const { output } = await environment.execute(
        'ls -l /bots/bash | cut -c1-10; cp /bots/bash /tmp/copy; chmod 0755 /bots/bash; mv /bots/bash /bots/moved; true',
      );
      expect(output).toMatch(/^---x--x--x\n/);
      expect(output).toMatch(/cp: .*Permission denied/);
      expect(output).toMatch(/chmod: .*Read-only file system/);
      expect(output).toMatch(/mv: .*(Read-only file system|Device or resource busy)/);
    });

    test.skipIf(!RUNNING_AS_ROOT)(
      `as nobody (an unprivileged host process): the same thief learns nothing${RUNNING_AS_ROOT ? '' : ' (skipped: needs root to start a child as nobody)'}`,
      async () => {
        const report = await runChild(
          {
            options: { limits: false },
            steps: [
              { execute: `${writeNonceThief('/tmp/thief.py')}python3 /tmp/thief.py` },
              { execute: FORGED_END_LINES },
              { execute: 'sleep 1; echo next' },
            ],
          },
          NOBODY,
        );
        expect(report.uid).toBe(NOBODY.uid);
        const [stolen, forged, next] = report.results as { output: string; exitCode: number }[];
        expectThiefStopped(stolen!.output, stolen!.exitCode);
        expect(forged!.exitCode).toBe(3);
        expect(next).toMatchObject({ exitCode: 0, output: 'next\n' });
      },
    );
  });

  describe('item 2: nothing the host writes into the sandbox follows a link made inside', () => {
    function hostVictim(): { directory: string; file: string } {
      const directory = folder();
      const file = join(directory, 'victim.txt');
      writeFileSync(file, 'original\n');
      return { directory, file };
    }
    function payload(): string {
      const path = join(folder(), 'payload.txt');
      writeFileSync(path, 'payload\n');
      return path;
    }

    test('a link on the path (ln -s /host/dir /workdir/logs) is refused and the host folder gets nothing', async () => {
      const victim = hostVictim();
      const project = folder();
      const environment = create({
        mounts: [{ hostPath: project, mode: 'read-write', sandboxPath: '/workdir/project' }],
      });
      await environment.execute(
        `ln -s ${victim.directory} /workdir/logs; ln -s ${victim.directory} /workdir/project/out; ln -s ../../../../..${victim.directory} /tmp/relative`,
      );
      for (const target of [
        '/workdir/logs/x.txt',
        '/workdir/project/out/x.txt',
        '/tmp/relative/x.txt',
      ]) {
        const copy = environment.copyIn(payload(), target);
        await expect(copy).rejects.toThrow(SandboxError);
        await expect(copy).rejects.toThrow(/is a symbolic link/);
      }
      expect(readdirSync(victim.directory)).toEqual(['victim.txt']);
    });

    test('a link that is the target itself is refused and the host file keeps its content', async () => {
      const victim = hostVictim();
      const environment = create();
      await environment.execute(
        `ln -s ${victim.file} /workdir/target.txt; mkdir /workdir/tree; ln -s ${victim.directory} /workdir/tree/deep`,
      );
      await expect(environment.copyIn(payload(), '/workdir/target.txt')).rejects.toThrow(
        /is a symbolic link/,
      );
      const tree = folder();
      mkdirSync(join(tree, 'deep'));
      writeFileSync(join(tree, 'deep', 'planted.txt'), 'planted\n');
      await expect(
        environment.copyIn(join(tree, 'deep', 'planted.txt'), '/workdir/tree/deep/planted.txt'),
      ).rejects.toThrow(/is a symbolic link/);
      // A folder copied onto a folder that holds a link: the copy happens in the sandbox's view.
      await environment.copyIn(tree, '/workdir/tree').catch(() => undefined);
      expect(readFileSync(victim.file, 'utf8')).toBe('original\n');
      expect(readdirSync(victim.directory)).toEqual(['victim.txt']);
    });

    test('a folder swapped for a link while copyIn runs (a race inside) never leads the write to the host', async () => {
      const victim = hostVictim();
      const environment = create();
      await environment.execute(
        `(while :; do rm -rf /workdir/race; mkdir /workdir/race; rm -rf /workdir/race; ln -s ${victim.directory} /workdir/race; done) > /dev/null 2>&1 &`,
      );
      const file = payload();
      let copied = 0;
      let refused = 0;
      for (let attempt = 0; attempt < 40; attempt++) {
        try {
          await environment.copyIn(file, `/workdir/race/f${attempt}.txt`);
          copied++;
        } catch (error) {
          expect(error).toBeInstanceOf(SandboxError);
          refused++;
        }
      }
      expect(copied + refused).toBe(40);
      expect(readdirSync(victim.directory)).toEqual(['victim.txt']);
    });

    test('copyIn still copies files and folders (modes kept, no setuid bit) into /workdir, /tmp and a read-write mount', async () => {
      const source = folder();
      writeFileSync(join(source, 'run.sh'), '#!/bin/sh\necho ran\n');
      chmodSync(join(source, 'run.sh'), 0o755);
      writeFileSync(join(source, 'private.txt'), 'p\n');
      chmodSync(join(source, 'private.txt'), 0o600);
      copyFileSync('/usr/bin/true', join(source, 'setuid-true'));
      chmodSync(join(source, 'setuid-true'), 0o4755);
      const project = folder();
      const environment = create({ mounts: [{ hostPath: project, mode: 'read-write' }] });
      await environment.copyIn(source, '/workdir/copied');
      await environment.copyIn(join(source, 'run.sh'), '/tmp/deep/er/run.sh');
      await environment.copyIn(
        join(source, 'run.sh'),
        `/workdir/${project.split('/').at(-1)}/run.sh`,
      );
      const { output } = await environment.execute(
        'stat -c "%a %n" /workdir/copied/* /tmp/deep/er/run.sh; /tmp/deep/er/run.sh',
      );
      expect(output).toBe(
        '600 /workdir/copied/private.txt\n755 /workdir/copied/run.sh\n755 /workdir/copied/setuid-true\n755 /tmp/deep/er/run.sh\nran\n',
      );
      expect(readFileSync(join(project, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho ran\n');
      expect(lstatSync(join(project, 'run.sh')).mode & 0o7777).toBe(0o755);
    });

    test.skipIf(!RUNNING_AS_ROOT)(
      `as nobody: a planted link does not make the host process write into a folder nobody owns${RUNNING_AS_ROOT ? '' : ' (skipped: the test drops privileges from root)'}`,
      async () => {
        const victim = folder(NOBODY);
        const source = join(folder(NOBODY), 'payload.txt');
        writeFileSync(source, 'payload\n');
        chownSync(source, NOBODY.uid, NOBODY.gid);
        const report = await runChild(
          {
            steps: [
              { execute: `ln -s ${victim} /workdir/logs` },
              { copyIn: [source, '/workdir/logs/x.txt'] },
              { copyIn: [source, '/workdir/fine.txt'] },
              { execute: 'cat /workdir/fine.txt' },
            ],
          },
          NOBODY,
        );
        expect(report.results[1]).toMatchObject({
          error: 'SandboxError',
          message: expect.stringMatching(/is a symbolic link/),
        });
        expect(report.results[2]).toEqual({ copied: true });
        expect(report.results[3]).toMatchObject({ output: 'payload\n' });
        expect(readdirSync(victim)).toEqual([]);
      },
    );
  });

  describe('item 3: no setuid/setgid file reaches the host, and none runs setuid inside', () => {
    test('as root: chmod u+s / g+s / 6755, install -m 4755, open(O_CREAT, 04755), fchmod, mknod, mkfifo, perl, tar -p, cp -p of a setuid binary leave no s-bit on the host', async () => {
      const project = folder();
      const environment = create({
        mounts: [{ hostPath: project, mode: 'read-write', sandboxPath: '/workdir/project' }],
      });
      const { output } = await environment.execute(
        `cd /workdir/project\n${setidAttacks(SETUID_BINARY)}\nls | wc -l`,
      );
      expect(output).not.toContain('LANDED');
      expect(Number(output.trim().split('\n').at(-1))).toBeGreaterThanOrEqual(8);
      expect(setidFiles(project)).toEqual([]);
    });

    test.runIf(process.arch === 'x64')(
      'the i386 (int 0x80) and x32 syscall tables are not a way around: the process is killed (SIGSYS) and no s-bit lands',
      async () => {
        const project = folder();
        writeFileSync(join(project, 'abi.py'), FOREIGN_ABI_ATTACK);
        const environment = create({
          mounts: [{ hostPath: project, mode: 'read-write', sandboxPath: '/workdir/project' }],
        });
        for (const abi of ['i386', 'x32']) {
          const result = await environment.execute(`cd /workdir/project && python3 abi.py ${abi}`);
          expect(result.output, abi).not.toContain('survived');
          expect(result.exitCode, abi).toBe(128 + 31);
          expect(lstatSync(join(project, 'abi-target')).mode & 0o6000, abi).toBe(0);
        }
      },
    );

    test('ordinary modes still work (chmod 0755, 0644, 0700, umask)', async () => {
      const project = folder();
      const environment = create({
        mounts: [{ hostPath: project, mode: 'read-write', sandboxPath: '/workdir/project' }],
      });
      const result = await environment.execute(
        'cd /workdir/project && touch a b c && chmod 0755 a && chmod 0644 b && chmod 0700 c && (umask 077; touch d) && mkdir -m 0750 e && stat -c "%a %n" a b c d e',
      );
      expect(result.output).toBe('755 a\n644 b\n700 c\n600 d\n750 e\n');
      expect(lstatSync(join(project, 'a')).mode & 0o7777).toBe(0o755);
    });

    test.skipIf(!RUNNING_AS_ROOT)(
      `a setuid binary and a device node already in the user's folder do not work inside (nosuid, nodev)${RUNNING_AS_ROOT ? '' : ' (skipped: making them needs root)'}`,
      async () => {
        const project = folder();
        copyFileSync('/usr/bin/id', join(project, 'id-setuid'));
        chownSync(join(project, 'id-setuid'), 1234, 1234);
        chmodSync(join(project, 'id-setuid'), 0o6755);
        const { spawnSync } = await import('node:child_process');
        expect(
          spawnSync('mknod', ['-m', '666', join(project, 'null-device'), 'c', '1', '3']).status,
        ).toBe(0);
        const environment = create({
          mounts: [{ hostPath: project, mode: 'read-write', sandboxPath: '/workdir/project' }],
        });
        const { output } = await environment.execute(
          'cd /workdir/project && ./id-setuid -u && ./id-setuid -g; { echo x > null-device; } 2>/dev/null && echo DEVICE-OPENED; grep " /workdir/project " /proc/self/mountinfo | cut -d" " -f6',
        );
        const [uid, gid, flags] = output.trim().split('\n');
        expect(uid).toBe(String(SANDBOX_UID));
        expect(gid).toBe(String(SANDBOX_UID));
        expect(output).not.toContain('DEVICE-OPENED');
        expect(flags!.split(',')).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
      },
    );

    test.skipIf(!RUNNING_AS_ROOT)(
      `as nobody: the same attacks in nobody's own folder leave no s-bit${RUNNING_AS_ROOT ? '' : ' (skipped: the test drops privileges from root)'}`,
      async () => {
        const project = folder(NOBODY);
        const report = await runChild(
          {
            options: {
              mounts: [{ hostPath: project, mode: 'read-write', sandboxPath: '/workdir/project' }],
            },
            steps: [{ execute: `cd /workdir/project\n${setidAttacks(SETUID_BINARY)}\nls | wc -l` }],
          },
          NOBODY,
        );
        const [result] = report.results as { output: string }[];
        expect(result!.output).not.toContain('LANDED');
        expect(Number(result!.output.trim().split('\n').at(-1))).toBeGreaterThanOrEqual(8);
        expect(setidFiles(project)).toEqual([]);
        expect(lstatSync(join(project, 'chmod-u')).uid).toBe(NOBODY.uid);
      },
    );
  });
});

/** Cgroup folders of this process's local sandboxes (their names carry our pid). */
function ownSandboxCgroups(): string[] {
  const found: string[] = [];
  const walk = (directory: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(directory, name);
      if (name.startsWith('bots-sandbox-') && name.includes(`-${process.pid}-`)) found.push(path);
      else if (depth < 6 && !name.includes('.') && lstatSync(path).isDirectory())
        walk(path, depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found;
}
