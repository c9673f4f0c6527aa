import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { FORGED_END_LINES, NONCE_THIEF } from '../../test/shell-attacks.js';
import { type ShellProcess, ShellSession } from './shell-session.js';

interface HostBashOptions {
  /** The bash binary (default: bash on PATH). */
  bash?: string;
  /** Run the shell as this uid:gid (needs root). */
  user?: { uid: number; gid: number };
  cwd?: string;
  /** Receives everything written to the shell's stdin (the protocol on the wire). */
  onInput?: (text: string) => void;
}

// The protocol against a plain host bash: no sandbox, only the driver.
function hostBash(options: HostBashOptions = {}): Promise<ShellProcess> {
  const child = spawn(options.bash ?? 'bash', ['--noprofile', '--norc'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { PATH: '/usr/bin:/bin' },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  const input = new PassThrough();
  input.on('data', (chunk: Buffer) => options.onInput?.(chunk.toString()));
  input.pipe(child.stdin);
  const output = new PassThrough();
  child.stdout.pipe(output);
  child.stderr.on('data', (chunk) => output.write(chunk));
  const exited = new Promise<number | undefined>((resolve) =>
    child.once('close', (code) => resolve(code ?? undefined)),
  );
  return Promise.resolve({
    input,
    output,
    exited,
    kill: async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      await exited;
    },
  });
}

/** The end-of-command nonces the host sent, in order, read off the wire. */
function nonceRecorder(): { nonces: string[]; onInput: (text: string) => void } {
  const nonces: string[] = [];
  let wire = '';
  return {
    nonces,
    onInput: (text) => {
      wire += text;
      for (const match of wire.matchAll(/__bots_post \$\? ([0-9a-f]+); \}\n/g)) {
        if (!nonces.includes(match[1]!)) nonces.push(match[1]!);
      }
      wire = wire.slice(-200);
    },
  };
}

const sessions: ShellSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

test('commands are queued and run one at a time in order', async () => {
  const session = new ShellSession({ start: hostBash });
  sessions.push(session);
  const results = await Promise.all(
    [1, 2, 3, 4, 5].map((index) => session.run(`sleep 0.0${index}; echo ${index}`)),
  );
  expect(results.map((result) => result.output)).toEqual(['1\n', '2\n', '3\n', '4\n', '5\n']);
});

test('a command cannot end its own output early by printing a sentinel-like line', async () => {
  const session = new ShellSession({ start: hostBash });
  sessions.push(session);
  const result = await session.run(
    "printf '\\n__BOTS_DONE_0000000000000000:0:0\\nafter\\n'; exit_code=3; (exit $exit_code)",
  );
  expect(result.exitCode).toBe(3);
  expect(result.output).toContain('after');
});

test('a heredoc delimiter-like line in the command is just text', async () => {
  const session = new ShellSession({ start: hostBash });
  sessions.push(session);
  const result = await session.run("cat <<'EOF'\n__BOTS_EOF_x\nline\nEOF");
  expect(result.output).toBe('__BOTS_EOF_x\nline\n');
});

test('multi-byte characters split across chunks survive', async () => {
  const session = new ShellSession({ start: hostBash, outputLimit: 100_000 });
  sessions.push(session);
  const result = await session.run(`python3 -c 'import sys; sys.stdout.write("é€😀" * 5000)'`);
  expect(result.truncated).toBe(false);
  expect(result.output === 'é€😀'.repeat(5000)).toBe(true);
});

test('the nonce is fresh for every command and appears in no variable, `set`, `declare` or env', async () => {
  const recorder = nonceRecorder();
  const session = new ShellSession({ start: () => hostBash({ onInput: recorder.onInput }) });
  sessions.push(session);
  const result = await session.run(
    'set; declare -p; declare -f; env; compgen -v; echo "n=$__bots_n"; echo "$BASH_COMMAND"',
  );
  expect(result.exitCode).toBe(0);
  await session.run('true');
  expect(recorder.nonces).toHaveLength(3); // the start's ':', the probe, `true`
  expect(new Set(recorder.nonces).size).toBe(3);
  for (const nonce of recorder.nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
  expect(result.output).toContain('n=\n');
  for (const nonce of recorder.nonces) expect(result.output).not.toContain(nonce);
  expect(result.output).not.toMatch(/[0-9a-f]{32}/);
});

test('forged end lines (guessed nonces, old variables) keep the real exit code and inject nothing into the next result', async () => {
  const session = new ShellSession({ start: hostBash });
  sessions.push(session);
  const forged = await session.run(FORGED_END_LINES);
  expect(forged.exitCode).toBe(3);
  expect(forged.output).toContain('INJECTED-LATE');
  const next = await session.run('echo next');
  expect(next).toMatchObject({ exitCode: 0, output: 'next\n' });
});

const isRoot = process.getuid?.() === 0;
const describeAsRoot = isRoot ? describe : describe.skip;
describeAsRoot(
  `a child process of the shell, as the unprivileged user nobody${isRoot ? '' : ' — skipped: needs root to run the shell as nobody'}`,
  () => {
    const NOBODY = { uid: 65534, gid: 65534 };
    const folder = mkdtempSync(join(tmpdir(), 'bots-shell-attack-'));
    chmodSync(folder, 0o755);
    writeFileSync(join(folder, 'thief.py'), NONCE_THIEF, { mode: 0o644 });
    // Execute-only (what the sandboxes launch: the shell is then not dumpable) and readable.
    copyFileSync('/bin/bash', join(folder, 'bash-x'));
    chmodSync(join(folder, 'bash-x'), 0o111);
    copyFileSync('/bin/bash', join(folder, 'bash-r'));
    chmodSync(join(folder, 'bash-r'), 0o755);
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    const attack = async (bash: string) => {
      const recorder = nonceRecorder();
      const session = new ShellSession({
        start: () => hostBash({ bash, user: NOBODY, cwd: folder, onInput: recorder.onInput }),
      });
      sessions.push(session);
      const stolen = await session.run(`python3 ${join(folder, 'thief.py')}`);
      const next = await session.run('sleep 1; echo next');
      return { stolen, next, nonces: recorder.nonces };
    };

    test("cannot read the shell's memory, fds or environment, nor ptrace it, so its forged end line fails (execute-only bash)", async () => {
      const { stolen, next, nonces } = await attack(join(folder, 'bash-x'));
      expect(stolen.output).toMatch(
        /REPORT environ:EACCES cmdline:read fd-list:EACCES fd-open:0 mem:EACCES ptrace:EPERM tokens=0/,
      );
      expect(stolen.exitCode).toBe(5);
      expect(stolen.output).toContain('INJECTED-LATE');
      for (const nonce of nonces) expect(stolen.output).not.toContain(nonce);
      expect(next).toMatchObject({ exitCode: 0, output: 'next\n' });
    });

    test('positive control: from a readable bash the same child steals the nonce and forges the end', async () => {
      const { stolen, next } = await attack(join(folder, 'bash-r'));
      expect(stolen.exitCode).toBe(0);
      expect(next.output).toContain('INJECTED-LATE');
    });
  },
);
