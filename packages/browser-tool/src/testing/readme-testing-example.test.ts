// The README's `@bots/browser-tool/testing` example, extracted from README.md and run as its
// reader would (`node example.mjs`) on a machine without a Docker engine: it must take the host's
// Chromium and print the answer; and when the run fails (no Docker, no Chromium), exit non-zero
// and print the error (it once printed "undefined" and exited 0).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { chromiumAvailability, describeWhen } from '../../test/availability.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The code block under the README's `@bots/browser-tool/testing` heading. */
function testingExample(): string {
  const readme = readFileSync(`${packageRoot}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('### `@bots/browser-tool/testing`'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block)
    throw new Error('README.md has no code block under "### `@bots/browser-tool/testing`"');
  return block;
}

/** Runs the example as a file of this package (so its imports resolve as for a user). */
function runExample(env: Record<string, string>): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const file = `${packageRoot}.readme-testing-example-${process.pid}.mjs`;
  writeFileSync(file, testingExample());
  try {
    const run = spawnSync(process.execPath, [file], {
      cwd: packageRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      encoding: 'utf8',
      timeout: 180_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

describeWhen('README: the @bots/browser-tool/testing example', chromiumAvailability(), () => {
  test('without a Docker engine it runs in the host Chromium and prints the answer', () => {
    const run = runExample({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(run.stderr).toContain(
      "browser: this host's Chromium at /usr/bin/chromium, no container (no Docker engine answers at unix:///nonexistent/docker.sock (ENOENT))",
    );
    expect([run.status, run.stdout]).toEqual([0, 'The book "Dune" is on shelf B-42.\n']);
  });

  test('when the run fails it exits 1 and prints the error', () => {
    const run = runExample({
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      CHROMIUM_PATH: '/nonexistent/chromium',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'failed: ConfigurationError: No browser to run: no Docker engine answers at unix:///nonexistent/docker.sock (ENOENT), and no Chromium at /nonexistent/chromium.',
    );
  });
});
