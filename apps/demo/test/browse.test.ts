import { chromiumAvailability, dockerAvailability, testWhen } from '@bots/test-kit';
import { describe, expect, test } from 'vitest';
import { hostsInTask } from '../src/browse-hosts.js';
import { dockerContainersWithLabel } from '../src/docker-probe.js';
import { cleanEnv, runCli } from './helpers.js';

// Without Docker or Chromium the tests that need them are skipped, with the reason; in CI they fail.
const docker = await dockerAvailability();
const chromium = chromiumAvailability();

const ANSWER = 'The book "Dune" is on shelf B-42.';

/** Browser containers of a CLI process, running or not. */
async function browserContainersOf(pid: number): Promise<string[]> {
  const ofPid = new Set(await dockerContainersWithLabel(process.env, `bots.pid=${pid}`));
  return (await dockerContainersWithLabel(process.env, 'bots.browser=1')).filter((id) =>
    ofPid.has(id),
  );
}

describe('bots browse (offline: emulator, managed identity, scripted replies, sample site)', () => {
  testWhen(chromium)(
    `--sandbox local answers the sample task with this host's Chromium`,
    async () => {
      const run = await runCli(['browse', '--sandbox', 'local'], { timeoutMs: 90_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${ANSWER}\n`);
      expect(run.stderr).toMatch(/bots browse: OFFLINE\. The model replies are SCRIPTED/);
      expect(run.stderr).toMatch(/bots: browser: this host's Chromium at .* \(--sandbox local\)/);
      expect(run.stderr).toMatch(/bots: sample site at http:\/\/127\.0\.0\.1:\d+\//);
      // each browser action is a progress step on stderr
      expect(run.stderr).toMatch(/\$ open http:\/\/127\.0\.0\.1:\d+\//);
      expect(run.stderr).toContain('$ type 1 "Dune"');
      expect(run.stderr).toMatch(
        /5 model calls, 1 identity call; every model call carried an Entra ID bearer token/,
      );
      expect(run.stderr).not.toContain('eyJ');
      expect(run.stdout).not.toContain('eyJ');
    },
    120_000,
  );

  testWhen(chromium)(
    `a task of the user's own goes to the sample site; --json prints the result`,
    async () => {
      const run = await runCli(
        ['browse', 'Find the shelf of the book "Emma".', '--sandbox', 'local', '--json'],
        { timeoutMs: 90_000 },
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as {
        status: string;
        result: string;
        runner: string;
        auth: string;
        steps: { command: string }[];
      };
      expect(result).toMatchObject({
        status: 'success',
        result: 'The book "Emma" is on shelf A-07.',
        runner: 'local',
        auth: 'token',
      });
      expect(result.steps.map((step) => step.command)).toContain('type 1 "Emma"');
      expect(run.stdout).not.toContain('eyJ');
    },
    120_000,
  );

  testWhen(docker)(
    `by default runs in the browser image when Docker answers, and leaves no container`,
    async () => {
      // The image may have to be built here (minutes, once per machine).
      const run = await runCli(['browse'], { timeoutMs: 900_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${ANSWER}\n`);
      expect(run.stderr).toMatch(/bots: browser: the browser image in Docker \(engine/);
      expect(run.stderr).toMatch(/Browser container \w+ started from bots-browser:\w+/);
      expect(run.stderr).toMatch(/first page loaded \d+ ms after the start/);
      expect(run.stderr).toMatch(
        /5 model calls, 1 identity call; every model call carried an Entra ID bearer token/,
      );
      expect(run.stderr).not.toContain('eyJ');
      expect(await browserContainersOf(run.pid)).toEqual([]);

      // The image is there now: --build-image says which it is (and builds nothing).
      const build = await runCli(['browse', '--build-image']);
      expect(build.code, build.stderr).toBe(0);
      expect(build.stdout).toMatch(/^bots-browser:[0-9a-f]{12}\n$/);
      expect(run.stderr).toContain(`started from ${build.stdout.trim()}`);
    },
    960_000,
  );
});

describe('bots browse: --timeout', () => {
  testWhen(chromium)(
    `ends the task and says so with the flag, not the library option`,
    async () => {
      const run = await runCli(['browse', '--sandbox', 'local', '--timeout', '1'], {
        timeoutMs: 60_000,
      });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(
        /RunTimeoutError: The run did not finish within --timeout 1 \(1 s\): the browser was stopped after \d+ model calls?\. Pass a larger --timeout/,
      );
      expect(run.stderr).not.toMatch(/timeoutMs|\d+ ms\./);
    },
    90_000,
  );
});

describe('bots browse: Ctrl-C', () => {
  testWhen(docker)(
    `removes the browser container and exits 130`,
    async () => {
      let sent = false;
      const run = await runCli(['browse'], {
        timeoutMs: 900_000,
        onSpawn: (child) => {
          // Ctrl-C once the container runs (the task then has seconds to go: the browser starts).
          child.stderr?.on('data', (chunk: Buffer | string) => {
            if (!sent && String(chunk).includes('Browser container')) {
              sent = true;
              child.kill('SIGINT');
            }
          });
        },
      });
      expect(sent, run.stderr).toBe(true);
      expect(run.code, run.stderr).toBe(130);
      expect(run.stdout).toBe('');
      expect(await browserContainersOf(run.pid)).toEqual([]);
    },
    960_000,
  );
});

describe('bots browse: bad input exits 2 with a message that says how to fix it', () => {
  test.each([
    [
      ['browse', '--sandbox', 'vm'],
      /--sandbox must be one of "docker", "local", but got "vm"\. Leave it out to use Docker when an engine answers, else the local Chromium\./,
    ],
    [
      ['browse', '--allow-host', 'not a host'],
      /--allow-host takes a host name such as example\.com/,
    ],
    [['browse', '--max-iterations', '0'], /--max-iterations must be an integer of at least 1/],
    [
      ['browse', '--timeout', 'soon'],
      /--timeout must be a positive number of seconds.*but got "soon"/,
    ],
    [
      ['browse', '--model', 'azure-openai/gpt-4o'],
      /browse: missing "<task>": with --model a real model needs a task/,
    ],
    [['browse', 'one', 'two'], /browse: unexpected argument "two"/],
    [['browse', '--build-image', 'extra'], /unexpected argument "extra"/],
    [
      ['browse', '--frobnicate'],
      /browse: unknown option --frobnicate\. The options of bots browse are/,
    ],
    [
      ['browse', 'What is on https://example.com/ ?'],
      /offline \(no --model\), the scripted replies know only the local sample site, not example\.com\. Pass --model/,
    ],
  ])('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('a real model with no credential configured is a configuration error (exit 2)', async () => {
    const run = await runCli(
      [
        'browse',
        'What is on http://127.0.0.1:9/ ?',
        '--model',
        'azure-openai/gpt-4o',
        '--sandbox',
        'local',
      ],
      {
        env: cleanEnv({
          CHROMIUM_PATH: process.execPath,
          OPEN_AI_END_POINT: 'https://my-resource.openai.azure.com',
          OPEN_AI_API_VERSION: '2024-10-21',
        }),
      },
    );
    expect(run.code, run.stderr).toBe(2);
    // The model is made on the host for either runner, before any browser starts: the CLI's words.
    expect(run.stderr).toMatch(
      /No credentials for azure-openai\. Set OPEN_AI_KEY.*AZURE_AUTH_METHOD=azure_ad/,
    );
    expect(run.stderr).not.toContain('tokenProvider');
    expect(run.stderr).not.toContain('Browser runner');
  });

  test('--build-image without a Docker engine says what to start', async () => {
    const run = await runCli(['browse', '--build-image'], {
      env: cleanEnv({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }),
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /--build-image needs a Docker engine: no engine at DOCKER_HOST=unix:\/\/\/nonexistent\/docker\.sock/,
    );
  });

  test('--sandbox local without Chromium says how to install it', async () => {
    const run = await runCli(['browse', '--sandbox', 'local'], {
      env: cleanEnv({ CHROMIUM_PATH: '/nonexistent/chromium' }),
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /no Chromium at \/nonexistent\/chromium.*apt-get install -y chromium/,
    );
  });
});

test('hostsInTask lists the hosts of the URLs in a task, not loopback', () => {
  expect(
    hostsInTask(
      'Compare https://example.com/a and http://docs.example.org:8080/x?y=1 with http://127.0.0.1:3000/',
    ),
  ).toEqual(['example.com', 'docs.example.org']);
  expect(hostsInTask('no address here')).toEqual([]);
});
