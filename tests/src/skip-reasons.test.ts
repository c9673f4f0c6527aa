// scripts/vitest-skip-reasons.ts, as every package's vitest.config.ts uses it: a run with skipped
// tests ends with why they were skipped, each reason once, not only a count.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, onTestFinished, test } from 'vitest';
import { repoRoot } from './scratch-project.js';

test('a run with skipped tests prints each reason once, with how many it skipped', async () => {
  const fixture = join(repoRoot, 'tests', 'fixtures', 'skip-reasons');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', fixture],
    { cwd: fixture, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } },
  );
  const block = stdout.slice(stdout.indexOf('Skipped tests, and why:'));
  expect(stdout.split('Skipped tests, and why:')).toHaveLength(2);
  expect(block).toContain('2 skipped: no Docker engine answers (DOCKER_HOST=unset)');
  expect(block).toContain('1 skipped: no working bwrap (apt-get install bubblewrap)');
  expect(block).toContain('1 skipped: needs Chromium');
  expect(block).not.toContain('runs\n');
  expect(block).toContain(
    'e.g. skipped.fixture.ts: DockerEnvironment (needs a Docker engine) > runs a command',
  );
});

test('scripts/summarize-tests.mjs gathers the reasons of every package of an npm test log', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'bots-summary-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  const log = join(folder, 'test.log');
  writeFileSync(
    log,
    [
      '@bots/core:test:       Tests  40 passed | 20 skipped (60)',
      '@bots/core:test: ',
      '@bots/core:test: Skipped tests, and why:',
      '@bots/core:test:   20 skipped: no Docker engine answers (DOCKER_HOST=unset)',
      '@bots/core:test:     e.g. src/sandbox/docker-environment.test.ts: DockerEnvironment > runs',
      '@bots/browser-tool:test:       Tests  10 passed | 1 failed | 3 skipped (14)',
      '@bots/browser-tool:test: Skipped tests, and why:',
      '@bots/browser-tool:test:   3 skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)',
      '@bots/browser-tool:test:     e.g. src/local-runner.test.ts: local runner > opens a page',
      '@bots/browser-tool:test: ',
    ].join('\n'),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(repoRoot, 'scripts', 'summarize-tests.mjs'), log],
    { encoding: 'utf8' },
  );
  expect(stdout).toBe(
    [
      'Skipped tests, and why:',
      '  @bots/core: 20 skipped: no Docker engine answers (DOCKER_HOST=unset)',
      '  @bots/browser-tool: 3 skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)',
      '50 passed, 1 failed, 23 skipped',
      '',
    ].join('\n'),
  );
});
