import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { type ShellProcess, ShellSession } from './shell-session.js';

// The protocol against a plain host bash: no sandbox, only the driver.
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
      } catch {}
      await exited;
    },
  });
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
