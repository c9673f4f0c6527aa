import { readdirSync } from 'node:fs';
import { bubblewrapAvailability, dockerAvailability, testWhen } from '@bots/test-kit';
import { describe, expect, test } from 'vitest';
import { cleanEnv, containersOf, runCli, SAMPLE } from './helpers.js';

// `bots copilot` offline: the emulator, managed identity, scripted replies that make the real
// Copilot agent run `ls -la` in the sandbox; the answer lists what the command printed there.
const docker = await dockerAvailability();
const bubblewrap = bubblewrapAvailability();
const SAMPLE_ENTRIES = readdirSync(SAMPLE).sort().join(', ');

describe('bots copilot (offline)', () => {
  testWhen(docker)('in Docker: the agent lists the folder in the sandbox and answers', async () => {
    const before = readdirSync(SAMPLE).sort();
    const run = await runCli(
      ['copilot', SAMPLE, 'What is in this folder?', '--sandbox', 'docker'],
      {
        env: cleanEnv(),
        timeoutMs: 180_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('bots copilot: OFFLINE. The model replies are SCRIPTED');
    expect(run.stderr).toContain('$ ls -la');
    expect(run.stderr).toContain('bots: ran in: docker; model requests relayed: 2');
    expect(run.stdout).toContain(`the folder holds ${before.length} entries: ${SAMPLE_ENTRIES}.`);
    expect(run.stderr + run.stdout).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(readdirSync(SAMPLE).sort()).toEqual(before);
    await expect(containersOf(run.pid)).resolves.toEqual([]);
  });

  testWhen(bubblewrap)('--sandbox local --json: the result object says where it ran', async () => {
    const run = await runCli(
      ['copilot', SAMPLE, 'What is in this folder?', '--sandbox', 'local', '--json'],
      { env: cleanEnv(), timeoutMs: 180_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      status: string;
      result: string;
      sandbox: string;
      steps: { kind: string; command: string; exitCode: number }[];
    };
    expect(result).toMatchObject({ status: 'success', sandbox: 'local' });
    expect(result.result).toContain(SAMPLE_ENTRIES);
    expect(result.steps).toEqual([
      expect.objectContaining({ kind: 'command', command: 'ls -la', exitCode: 0 }),
    ]);
  });

  test('a missing task is a usage error (exit 2)', async () => {
    const run = await runCli(['copilot', SAMPLE], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('copilot: missing "<task>"');
  });
});
