import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapAvailability, dockerAvailability, testWhen } from '@bots/test-kit';
import { describe, expect, onTestFinished, test } from 'vitest';
import { cleanEnv, containersOf, dockerAnswers, runCli, sandboxContainerCount } from './helpers.js';

const docker = await dockerAnswers();
// Without Docker or bubblewrap the tests that need them are skipped, with the reason; in CI they fail.
const dockerEngine = await dockerAvailability();
const bubblewrap = bubblewrapAvailability();

/** Checks that a run that may have used Docker left no container behind. */
async function expectNoContainers(pid: number): Promise<void> {
  if (docker) expect(await containersOf(pid)).toEqual([]);
}

describe('bots demo (offline: emulator, managed identity, scripted replies)', () => {
  test('exits 0 with the answer on stdout, says it is scripted and which sandbox', async () => {
    const before = docker ? await sandboxContainerCount() : 0;
    const run = await runCli(['demo']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('7341');
    expect(run.stdout).toContain('config/service.toml');
    expect(run.stderr).toMatch(/replies are SCRIPTED/);
    expect(run.stderr).toMatch(
      /AZURE_AUTH_METHOD=azure_ad bots read <dir> "<question>" --model azure-openai\/<deployment>/,
    );
    expect(run.stderr).toMatch(/bots: sandbox: (docker|bubblewrap|NONE)/);
    expect(run.stderr).toMatch(docker ? /sandbox: docker/ : /sandbox: (bubblewrap|NONE)/);
    expect(run.stderr).toContain('$ ls -R');
    expect(run.stderr).toContain('$ grep -rn listen_port .');
    expect(run.stderr).toMatch(
      /3 model calls, 1 identity call; every model call carried an Entra ID bearer token/,
    );
    expect(run.stderr).not.toContain('eyJ');
    await expectNoContainers(run.pid);
    if (docker) expect(await sandboxContainerCount()).toBeLessThanOrEqual(before);
  });

  test('--json prints a parseable result with status success', async () => {
    const run = await runCli(['demo', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; result: string; steps: unknown[] };
    expect(result.status).toBe('success');
    expect(result.result).toContain('7341');
    expect(result.steps).toHaveLength(3);
    await expectNoContainers(run.pid);
  });

  testWhen(bubblewrap)(`--sandbox local uses bubblewrap`, async () => {
    const run = await runCli(['demo', '--sandbox', 'local']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('bots: sandbox: bubblewrap (--sandbox local)');
    expect(run.stdout).toContain('7341');
  });

  testWhen(dockerEngine)(`--sandbox docker uses a container and removes it`, async () => {
    const run = await runCli(['demo', '--sandbox', 'docker']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/bots: sandbox: docker \(--sandbox docker; engine .* answers at /);
    expect(run.stdout).toContain('7341');
    expect(await containersOf(run.pid)).toEqual([]);
  });

  test('with neither Docker nor bubblewrap it still works, unsandboxed, and says so loudly', async () => {
    // A PATH with the programs the demo's commands need, but no bwrap; DOCKER_HOST pointing nowhere.
    const bin = mkdtempSync(join(tmpdir(), 'bots-demo-path-'));
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    for (const program of ['bash', 'sh', 'ls', 'grep', 'cat', 'env', 'mkdir', 'rm', 'dirname']) {
      symlinkSync(`/usr/bin/${program}`, join(bin, program));
    }
    const env = cleanEnv({ PATH: bin, DOCKER_HOST: `unix://${join(bin, 'no-docker.sock')}` });
    const run = await runCli(['demo'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('NOTHING IS SANDBOXED');
    expect(run.stderr).toContain('apt-get install bubblewrap');
    expect(run.stderr).toContain('docker: no engine at DOCKER_HOST=unix://');
    expect(run.stdout).toContain('7341');
  });

  test('--sandbox nope is a usage error', async () => {
    const run = await runCli(['demo', '--sandbox', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--sandbox must be one of "docker", "local", but got "nope"');
  });
});
