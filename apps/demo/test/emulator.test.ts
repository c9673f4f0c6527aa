import type { ModelRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { describe, expect, test } from 'vitest';
import { cleanEnv, containersOf, dockerAnswers, runCli, SAMPLE } from './helpers.js';

const docker = await dockerAnswers();
const emulator = useEmulator();

/** The child's env: the emulator's endpoints (no keys) and Entra ID through its managed identity. */
function emulatorEnv(): NodeJS.ProcessEnv {
  return cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' });
}

function reply(thoughts: string, command: string): string {
  return JSON.stringify({ task_done: command === '', thoughts, command });
}

/** Reads the config, then answers with the line the command printed. */
function readScript(request: ModelRequest): string {
  const assistantTurns = request.messages.filter((message) => message.role === 'assistant').length;
  if (assistantTurns === 0) return reply('Read the config.', 'cat config/service.toml');
  const output = request.messages.at(-1)?.content ?? '';
  const line = output.split('\n').find((text) => text.startsWith('listen_port'));
  return reply(`Found it: ${line ?? 'nothing'}`, '');
}

describe('bots against the emulator (AZURE_AUTH_METHOD=azure_ad, managed identity)', () => {
  test('read succeeds with exit 0 and the answer from the real command output', async () => {
    emulator.setScript(readScript);
    emulator.requests.clear();
    const run = await runCli(
      ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o-mini'],
      {
        env: emulatorEnv(),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Found it: listen_port = 7341');
    expect(run.stderr).toContain('Entra ID token (AZURE_AUTH_METHOD=azure_ad)');
    expect(run.stderr).toContain('$ cat config/service.toml');
    expect(run.stderr).not.toContain('eyJ');
    const model = emulator.requests.ofKind('azure-openai');
    expect(model).toHaveLength(2);
    expect(
      model.every((request) => request.auth.scheme === 'bearer' && request.auth.accepted),
    ).toBe(true);
    await (docker ? expect(containersOf(run.pid)).resolves.toEqual([]) : Promise.resolve());
  });

  test('run --json with --mount gives the result object', async () => {
    emulator.setScript(readScript);
    const run = await runCli(
      [
        'run',
        'Which port?',
        '--mount',
        SAMPLE,
        '--model',
        'azure-openai/gpt-4o-mini',
        '--json',
        '--max-iterations',
        '5',
      ],
      { env: emulatorEnv(), cwd: SAMPLE },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; result: string; iterations: number };
    expect(result).toMatchObject({
      status: 'success',
      result: 'Found it: listen_port = 7341',
      iterations: 2,
    });
  });

  test('a task whose model keeps breaking the protocol exits 1 with the reason', async () => {
    emulator.setScript(() => 'Sure! I would run ls.');
    const run = await runCli(
      ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o-mini'],
      {
        env: emulatorEnv(),
      },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('the reply broke the protocol');
    expect(run.stderr).toMatch(/failed after .*ModelFormatError/);
    expect(run.stdout).toBe('');
  });

  test('--max-iterations bounds the run: exit 1 with MaxIterationsError', async () => {
    emulator.setScript(() => reply('Look again.', 'ls'));
    const run = await runCli(
      [
        'read',
        SAMPLE,
        'Which port?',
        '--model',
        'azure-openai/gpt-4o-mini',
        '--max-iterations',
        '2',
      ],
      { env: emulatorEnv() },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('MaxIterationsError');
  });

  test('--timeout ends a hanging command: exit 1 with status timeout', async () => {
    emulator.setScript(() => reply('Wait a while.', 'sleep 30'));
    const started = Date.now();
    const run = await runCli(
      ['run', 'wait', '--model', 'azure-openai/gpt-4o-mini', '--timeout', '2', '--json'],
      { env: emulatorEnv() },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'timeout',
      error: { name: 'RunTimeoutError' },
    });
    if (docker) expect(await containersOf(run.pid)).toEqual([]);
  });

  test('--command-timeout kills a long command (exit 124) and the run goes on', async () => {
    emulator.setScript((request) => {
      const turns = request.messages.filter((message) => message.role === 'assistant').length;
      if (turns === 0) return reply('Wait a while.', 'sleep 20');
      const output = request.messages.at(-1)?.content ?? '';
      return reply(`The command ended: ${output.includes('124') ? 'killed' : 'not killed'}`, '');
    });
    const started = Date.now();
    const run = await runCli(
      ['run', 'wait', '--model', 'azure-openai/gpt-4o-mini', '--command-timeout', '1'],
      { env: emulatorEnv() },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('exit 124 (timed out)');
    expect(run.stdout).toBe('The command ended: killed\n');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('run --boss delegates; the sub-bot steps are indented', async () => {
    emulator.setScript(({ messages }) => {
      const subBot = (messages[0]?.content ?? '').includes('You are a sub-bot');
      const turns = messages.filter((message) => message.role === 'assistant').length;
      if (subBot)
        return turns === 0 ? reply('Search.', 'grep -rn listen_port .') : reply('port 7341', '');
      return turns === 0
        ? reply('Delegate the search.', 'delegate "find the port"')
        : reply('The port is 7341.', '');
    });
    const run = await runCli(
      ['run', 'Which port?', '--mount', SAMPLE, '--boss', '--model', 'azure-openai/gpt-4o-mini'],
      {
        env: emulatorEnv(),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('The port is 7341.');
    expect(run.stderr).toContain('bots: AgentBoss:');
    expect(run.stderr).toContain('\n    sub-step 1  Search.\n      $ grep -rn listen_port .\n');
    expect(run.stderr).toContain('\nstep 1  Delegate the search.\n  $ delegate "find the port"\n');
  });

  test('logs analyses one file', async () => {
    emulator.setScript((request) => {
      const turns = request.messages.filter((message) => message.role === 'assistant').length;
      if (turns === 0) return reply('Find errors.', 'grep -rn . /workdir/logs | head -5');
      return reply(
        `The log says: ${(request.messages.at(-1)?.content ?? '').includes('stopped reporting') ? 'stopped reporting' : 'unknown'}`,
        '',
      );
    });
    const run = await runCli(
      ['logs', `${SAMPLE}/notes/2026-10-incident.md`, '--model', 'azure-openai/gpt-4o-mini'],
      {
        env: emulatorEnv(),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('stopped reporting');
  });

  test('doctor prints the audience and expiry of the token, never the token', async () => {
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: emulatorEnv(),
    });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    expect(run.stdout).toContain('AZURE_AUTH_METHOD=azure_ad: DefaultAzureCredential');
    expect(run.stdout).toContain(`IDENTITY_ENDPOINT=${emulator.env.IDENTITY_ENDPOINT}`);
    expect(run.stdout).toContain('audience https://cognitiveservices.azure.com');
    expect(run.stdout).toMatch(/expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \(\d+ min left\)/);
    expect(run.stdout).toMatch(/tenant [0-9a-f-]{36}, app [0-9a-f-]{36}/);
    expect(run.stdout).toContain(`${emulator.urls.base} reachable (HTTP`);
    expect(run.stdout).toMatch(/\nusable\n/);
    expect(run.stdout).toMatch(
      / browser {2}(docker: the browser image bots-browser:[0-9a-f]{12} |local: this host's Chromium)/,
    );
    expect(output).not.toContain('eyJ');
    expect(output).not.toContain(emulator.identityHeader);
  });

  test('doctor exits 1 when the endpoint does not answer', async () => {
    const env = emulatorEnv();
    env.AZURE_OPENAI_ENDPOINT = 'http://127.0.0.1:9';
    env.OPEN_AI_END_POINT = 'http://127.0.0.1:9';
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], { env });
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('http://127.0.0.1:9 NOT reachable');
  });

  test('Ctrl-C aborts the run, removes the sandbox and exits 130', async () => {
    let commandSent: () => void = () => {};
    const sent = new Promise<void>((resolve) => {
      commandSent = resolve;
    });
    emulator.setScript(() => {
      commandSent();
      return reply('Wait a while.', 'sleep 30');
    });
    const started = Date.now();
    const run = await runCli(
      ['read', SAMPLE, 'Which port?', '--model', 'azure-openai/gpt-4o-mini'],
      {
        env: emulatorEnv(),
        onSpawn: (child) => {
          void sent.then(async () => {
            // the sandbox starts and the command runs; give it a moment
            const deadline = Date.now() + 10_000;
            while (Date.now() < deadline) {
              if (docker && child.pid && (await containersOf(child.pid)).length > 0) break;
              if (!docker) break;
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            child.kill('SIGINT');
          });
        },
      },
    );
    expect(run.code, run.stderr).toBe(130);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(run.stderr).toContain('interrupted');
    if (docker) expect(await containersOf(run.pid)).toEqual([]);
  });
});
