// describeWhen and testWhen, run by Vitest on a fixture whose requirement is missing: locally the
// tests are skipped and the reason is printed once; in CI they fail and say what is missing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/missing-requirement', import.meta.url));
const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));
const REASON = 'no frobnicator here (apt-get install frobnicator)';

async function runFixture(ci: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [vitest, 'run', '--root', fixture],
      { cwd: fixture, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: ci } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('locally: what needs a missing thing is skipped, and the reason is printed once', async () => {
  const run = await runFixture('');
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/Tests\s+1 passed \| 4 skipped \(5\)/);
  expect(run.stderr.split(`SKIPPED (required in CI): ${REASON}`)).toHaveLength(2);
  const block = run.stdout.slice(run.stdout.indexOf('Skipped tests, and why:'));
  expect(block).toContain(`4 skipped: ${REASON}`);
  expect(block).toContain('e.g. needs.fixture.ts: a block that needs the frobnicator > first');
});

test('in CI: what needs a missing thing fails, saying what is missing', async () => {
  const run = await runFixture('true');
  const output = run.stdout + run.stderr;
  expect(run.code).toBe(1);
  expect(output).toMatch(/Tests\s+3 failed \| 1 passed \(4\)/);
  expect(output).toContain(
    'FAIL  needs.fixture.ts > a block that needs the frobnicator > has what it needs (required in CI)',
  );
  expect(output).toContain('FAIL  needs.fixture.ts > a test that needs the frobnicator');
  expect(output).toContain(`CI is set but ${REASON}`);
  expect(run.stderr).not.toContain('SKIPPED');
});
