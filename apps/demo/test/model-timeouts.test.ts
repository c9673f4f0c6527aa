import { createServer, type Server, type Socket } from 'node:net';
import { useEmulator } from '@bots/emulator/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanEnv, runCli, SAMPLE } from './helpers.js';

/**
 * The user's case: a model endpoint that accepts the connection and never answers. Before, `bots
 * read` hung silently, forever. Now the run ends on its own (the default --timeout, or
 * --request-timeout), says why in the CLI's terms, and says it is waiting while it waits.
 */
let server: Server;
let port: number;
const sockets: Socket[] = [];
const emulator = useEmulator();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket); // accepted, read, never answered
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

const KEY = 'fake0key0of0the0hanging0endpoint0123';
const hangingEnv = () =>
  cleanEnv({
    AZURE_OPENAI_ENDPOINT: `http://127.0.0.1:${port}`,
    AZURE_OPENAI_API_VERSION: '2024-10-21',
    AZURE_OPENAI_API_KEY: KEY,
  });

describe('a model that accepts the connection and never answers', () => {
  test("bots read ends on its own at --timeout, with the CLI's message and a waiting line every 5 s while it waits", async () => {
    const started = Date.now();
    const run = await runCli(
      ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o', '--timeout', '11'],
      { env: hangingEnv(), timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(run.stderr).toContain(`waiting for the model at http://127.0.0.1:${port}, 5 s\n`);
    expect(run.stderr).toContain(`waiting for the model at http://127.0.0.1:${port}, 10 s\n`);
    expect(run.stderr).toMatch(
      /timeout after .*: RunTimeoutError: The run did not finish within --timeout 11 \(11 s\): the model call or command in flight was stopped after 1 model call\. Pass a larger --timeout in seconds \(at most 2147483\), or split the task\./,
    );
    expect(run.stderr).not.toContain('timeoutMs');
    expect(run.stderr).not.toContain(KEY);
    expect(run.stdout).toBe('');
    expect(sockets.length).toBeGreaterThan(0); // the request really went to the silent server
  });

  test('--json gives the same CLI wording in the result', async () => {
    const run = await runCli(
      ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o', '--timeout', '2', '--json'],
      { env: hangingEnv(), timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as {
      status: string;
      error: { name: string; message: string };
    };
    expect(result.status).toBe('timeout');
    expect(result.error.name).toBe('RunTimeoutError');
    expect(result.error.message).toMatch(/^The run did not finish within --timeout 2 \(2 s\)/);
  });

  test(`--request-timeout ends the call: "the model at <endpoint> did not answer within N s"`, async () => {
    const run = await runCli(
      [
        'read',
        SAMPLE,
        'Which port?',
        '--model',
        'azure-openai/gpt-4o',
        '--request-timeout',
        '6',
        '--timeout',
        '120',
      ],
      { env: hangingEnv(), timeoutMs: 100_000 },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`waiting for the model at http://127.0.0.1:${port}, 5 s`);
    expect(run.stderr).toContain(
      `The model at http://127.0.0.1:${port} did not answer within 6 s (--request-timeout 6). Check the endpoint and the deployment name (bots doctor --model azure-openai/gpt-4o checks them), or pass a larger --request-timeout in seconds.`,
    );
    expect(run.stderr).not.toMatch(/requestTimeoutMs|timeoutMs/);
  });
});

describe('retries of a model call are said on stderr', () => {
  test(`a 429 with retry-after prints the retry and the run goes on`, async () => {
    emulator.setScript([
      JSON.stringify({ task_done: true, thoughts: 'The port is 7341.', command: '' }),
    ]);
    emulator.inject({ status: 429, retryAfterSeconds: 2 });
    const run = await runCli(
      ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o-mini'],
      {
        env: cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' }),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the model call got HTTP 429; retry 1 in 2 s/);
    expect(run.stdout).toBe('The port is 7341.\n');
  });
});
