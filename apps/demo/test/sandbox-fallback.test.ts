import type { ModelRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { bubblewrapAvailability, testWhen } from '@bots/test-kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeDockerEngine, startFakeDockerEngine } from './fake-docker-engine.js';
import { cleanEnv, runCli, SAMPLE } from './helpers.js';

/**
 * A Docker host whose sandbox image cannot be built (no network for the build's apt-get): an
 * engine that answers but fails every build. Not forced, the CLI falls back to bubblewrap with one
 * line saying why; forced (--sandbox docker), it fails with the short reason. Either way the build
 * log is short and has no escape sequences.
 */
const bubblewrap = bubblewrapAvailability();

let engine: FakeDockerEngine;
const emulator = useEmulator({
  script: (request: ModelRequest) => {
    const turns = request.messages.filter((message) => message.role === 'assistant').length;
    if (turns === 0)
      return JSON.stringify({
        task_done: false,
        thoughts: 'Read it.',
        command: 'cat config/service.toml',
      });
    const line = (request.messages.at(-1)?.content ?? '')
      .split('\n')
      .find((text) => text.startsWith('listen_port'));
    return JSON.stringify({
      task_done: true,
      thoughts: `Found: ${line ?? 'nothing'}`,
      command: '',
    });
  },
});
beforeAll(async () => {
  engine = await startFakeDockerEngine();
});
afterAll(async () => {
  await engine?.close();
});

const env = () =>
  cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad', DOCKER_HOST: engine.host });
const ARGS = ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o-mini'];

function expectShortCleanLog(stderr: string): void {
  expect(stderr).not.toContain('\u001b');
  expect(stderr).not.toMatch(/\r/);
  const aptLines = stderr.split('\n').filter((line) => /Err:\d+|Temporary failure/.test(line));
  expect(aptLines.length, stderr).toBeLessThanOrEqual(8);
  const lines = stderr.split('\n');
  const start = lines.findIndex((line) => line.startsWith('bots: building the sandbox image'));
  const end = lines.findIndex(
    (line, index) => index > start && /^bots: (sandbox|--sandbox)/.test(line),
  );
  expect(start, stderr).toBeGreaterThanOrEqual(0);
  // the header, the Step lines, the reason, "last lines of the build log:" and at most 8 of them
  expect((end === -1 ? lines.length : end) - start, stderr).toBeLessThanOrEqual(14);
}

describe('a Docker engine that cannot build the sandbox image', () => {
  testWhen(bubblewrap)(
    `without --sandbox: the run falls back to bubblewrap, says why, and succeeds`,
    async () => {
      const run = await runCli(ARGS, { env: env() });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('Found: listen_port = 7341\n');
      const build = engine.requests.find(
        (request) => request.method === 'POST' && request.path === '/build',
      );
      // The engine has no bridge: the RUN steps get the host's network; failed steps' containers go.
      expect(build?.query.get('networkmode')).toBe('host');
      expect(build?.query.get('forcerm')).toBe('true');
      expect(run.stderr).toContain(
        `bots: sandbox: docker (engine 99.0.0-fake answers at ${engine.host})`,
      );
      expect(run.stderr).toMatch(
        /bots: building the sandbox image bots-sandbox:[0-9a-f]{12} \(first use only/,
      );
      expect(run.stderr).toContain(
        '  image: Step 2/5 : RUN apt-get update && apt-get install -y bash',
      );
      expect(run.stderr).toMatch(
        /bots: the sandbox image bots-sandbox:[0-9a-f]{12} could not be built: .*The command '\/bin\/sh -c apt-get update && apt-get install -y bash' returned a non-zero code: 100\n/,
      );
      expect(run.stderr).toContain(
        '| E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease',
      );
      expect(run.stderr).toContain(
        'bots: sandbox: bubblewrap instead: the Docker sandbox image could not be built (--sandbox docker insists on Docker)',
      );
      expectShortCleanLog(run.stderr);
    },
  );

  test('with --sandbox docker: exit 1 with the short reason and how to fix it; no fallback', async () => {
    const run = await runCli([...ARGS, '--sandbox', 'docker'], { env: env() });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /bots: --sandbox docker: the sandbox image bots-sandbox:[0-9a-f]{12} could not be built: .*The command .* returned a non-zero code: 100\. Fix the Docker engine so that the image builds .*, or leave out --sandbox docker to use bubblewrap instead\.\n$/,
    );
    expect(run.stderr).not.toContain('bubblewrap instead:');
    expectShortCleanLog(run.stderr);
  });

  testWhen(bubblewrap)(`bots demo falls back the same way`, async () => {
    const run = await runCli(['demo'], { env: cleanEnv({ DOCKER_HOST: engine.host }) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('7341');
    expect(run.stderr).toContain(
      'bots: sandbox: bubblewrap instead: the Docker sandbox image could not be built',
    );
    expectShortCleanLog(run.stderr);
  });
});
