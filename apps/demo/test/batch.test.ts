import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { dockerAvailability, testWhen } from '@bots/test-kit';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cleanEnv, containersOf, runCli, SAMPLE } from './helpers.js';

// `bots batch` (the built CLI, a child process) against the emulator, keyless (managed identity),
// each task a ReadingBot in its own Docker sandbox. Without an engine the tests are skipped with
// the reason; in CI they run.
const docker = await dockerAvailability();
const emulator = useEmulator();
let scratch = '';

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bots-batch-test-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function emulatorEnv(): NodeJS.ProcessEnv {
  return cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function reply(thoughts: string, command: string): string {
  return JSON.stringify({ task_done: command === '', thoughts, command });
}

/**
 * Reads the config, then answers with the line the command printed. It waits `delayMs` before
 * each first reply, so that tasks overlap, and counts the sandboxes of the CLI process at every
 * request, so that the most sandboxes at once is seen.
 */
function countingScript(pid: () => number, delayMs: number, seen: { most: number }) {
  return async (request: ModelRequest): Promise<string> => {
    const assistantTurns = request.messages.filter((message) => message.role === 'assistant');
    if (assistantTurns.length === 0) {
      seen.most = Math.max(seen.most, (await containersOf(pid())).length);
      await sleep(delayMs);
      return reply('Read the config.', 'cat config/service.toml');
    }
    // The task's sandbox has run its command by now (it starts beside the first model call).
    seen.most = Math.max(seen.most, (await containersOf(pid())).length);
    const output = request.messages.at(-1)?.content ?? '';
    const line = output.split('\n').find((text) => text.startsWith('listen_port'));
    return reply(`Found it: ${line ?? 'nothing'}`, '');
  };
}

function writeTasks(lines: readonly (object | string)[]): string {
  const file = join(scratch, 'tasks.jsonl');
  writeFileSync(
    file,
    `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`,
  );
  return file;
}

const readTask = (id: string) => ({ id, bot: 'read', folder: SAMPLE, task: 'Which port?' });

function resultLines(): { id: string; bot: string; status: string; result?: string }[] {
  const file = join(scratch, 'results.jsonl');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

const MODEL = ['--model', 'azure-openai/gpt-4o-mini'];

describe('bots batch', () => {
  testWhen(docker)(
    'runs every task, never more than --concurrency sandboxes at once, with progress',
    async () => {
      let pid = -1;
      const seen = { most: 0 };
      emulator.setScript(countingScript(() => pid, 400, seen));
      emulator.requests.clear();
      const tasks = writeTasks(['a', 'b', 'c', 'd', 'e'].map(readTask));
      const run = await runCli(['batch', tasks, '--concurrency', '2', ...MODEL], {
        env: emulatorEnv(),
        cwd: scratch,
        timeoutMs: 120_000,
        onSpawn: (child) => {
          pid = child.pid ?? -1;
        },
      });
      expect(run.code, run.stderr).toBe(0);
      const results = resultLines();
      expect(results.map((result) => result.id).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      for (const result of results) {
        expect(result).toMatchObject({
          bot: 'read',
          status: 'success',
          result: 'Found it: listen_port = 7341',
        });
      }
      expect(seen.most).toBe(2);
      expect(run.stderr).toContain('batch: 5 tasks from tasks.jsonl, 2 at a time');
      expect(run.stderr).toMatch(
        /batch: 0 done, 0 failed, 0 running, 5 left · 0\.00 tasks\/s · ETA \?/,
      );
      expect(run.stderr).toMatch(
        /batch: 3 done, 0 failed, \d running, \d left · \d+\.\d\d tasks\/s · ETA \d+ s/,
      );
      expect(run.stderr).toMatch(/batch: 5 done, 0 failed, 0 running, 0 left · .* · ETA 0 s/);
      expect(run.stderr).toMatch(/ok a \(2 steps, \d+\.\d s\)/);
      const model = emulator.requests.ofKind('azure-openai');
      expect(model).toHaveLength(10);
      expect(model.every((request) => request.auth.accepted)).toBe(true);
      expect(run.stderr + run.stdout).not.toContain('eyJ');
      await expect(containersOf(run.pid)).resolves.toEqual([]);
    },
    150_000,
  );

  testWhen(docker)(
    'reports bad lines with their line numbers, skips them and runs the rest',
    async () => {
      emulator.setScript(countingScript(() => -1, 0, { most: 0 }));
      writeFileSync(join(scratch, 'a.log'), 'ERROR: it broke\n');
      const tasks = writeTasks([
        readTask('good-1'),
        '{"id": "x", "bot": "read",',
        { id: 'y', bot: 'summarise', folder: SAMPLE, task: 't' },
        { id: 'z', bot: 'read', folder: SAMPLE },
        readTask('good-1'),
        { id: 'w', bot: 'read', folder: './no-such-folder', task: 't' },
        { id: 'v', bot: 'logs', folder: SAMPLE, task: 't' },
        { id: 'u', bot: 'read', folder: SAMPLE, task: 't', colour: 'blue' },
        { id: 'good-2', bot: 'run', folder: SAMPLE, task: 'Which port?' },
      ]);
      const run = await runCli(['batch', tasks, ...MODEL], {
        env: emulatorEnv(),
        cwd: scratch,
        timeoutMs: 120_000,
      });
      expect(run.code, run.stderr).toBe(1);
      const lines = run.stderr.split('\n').filter((line) => line.includes('tasks.jsonl:'));
      expect(lines).toEqual([
        expect.stringMatching(/^bots: tasks\.jsonl:2: not valid JSON; .*; skipped\.$/),
        expect.stringMatching(
          /^bots: tasks\.jsonl:3: "bot" must be one of read, write, logs, run, not "summarise"; skipped\.$/,
        ),
        expect.stringMatching(
          /^bots: tasks\.jsonl:4: "task" must be a non-empty string: what the ReadingBot should do; skipped\.$/,
        ),
        'bots: tasks.jsonl:5: id "good-1" is already the id of line 1; ids must be unique; skipped.',
        'bots: tasks.jsonl:6: no such folder: ./no-such-folder (paths are relative to the tasks file); skipped.',
        'bots: tasks.jsonl:7: "folder" does not apply to bot "logs"; give "file"; skipped.',
        expect.stringMatching(/^bots: tasks\.jsonl:8: unknown field "colour"; .*; skipped\.$/),
      ]);
      expect(resultLines().map((result) => [result.id, result.bot, result.status])).toEqual(
        expect.arrayContaining([
          ['good-1', 'read', 'success'],
          ['good-2', 'run', 'success'],
        ]),
      );
      expect(resultLines()).toHaveLength(2);
    },
    150_000,
  );

  testWhen(docker)(
    'Ctrl-C records no task half-way and leaves no sandbox; a rerun does only the rest',
    async () => {
      let pid = -1;
      emulator.setScript(countingScript(() => pid, 1_500, { most: 0 }));
      const ids = ['t1', 't2', 't3', 't4', 't5', 't6'];
      const tasks = writeTasks(ids.map(readTask));
      const interrupted = await runCli(['batch', tasks, '--concurrency', '2', ...MODEL], {
        env: emulatorEnv(),
        cwd: scratch,
        timeoutMs: 120_000,
        onSpawn: (child) => {
          pid = child.pid ?? -1;
          const poll = setInterval(() => {
            if (resultLines().length >= 2) {
              clearInterval(poll);
              child.kill('SIGINT');
            }
          }, 100);
          child.on('exit', () => clearInterval(poll));
        },
      });
      expect(interrupted.code, interrupted.stderr).toBe(130);
      expect(interrupted.stderr).toMatch(
        /batch interrupted: \d running tasks? (was|were) stopped and not recorded/,
      );
      const first = resultLines();
      expect(first.length).toBeGreaterThanOrEqual(2);
      expect(first.length).toBeLessThan(ids.length);
      expect(first.every((result) => result.status === 'success')).toBe(true);
      await expect(containersOf(interrupted.pid)).resolves.toEqual([]);

      emulator.setScript(countingScript(() => -1, 0, { most: 0 }));
      const rerun = await runCli(['batch', tasks, '--concurrency', '2', ...MODEL], {
        env: emulatorEnv(),
        cwd: scratch,
        timeoutMs: 120_000,
      });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toContain(`${first.length} already in results`);
      const all = resultLines();
      expect(all.map((result) => result.id).sort()).toEqual(ids);
      await expect(containersOf(rerun.pid)).resolves.toEqual([]);
    },
    200_000,
  );

  test('bad flags and a missing tasks file are usage errors (exit 2)', async () => {
    const tasks = writeTasks([readTask('a')]);
    const zero = await runCli(['batch', tasks, '--concurrency', '0'], { env: cleanEnv() });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(
      /--concurrency must be an integer of at least 1, but got 0\. Pass a whole number such as --concurrency 4\./,
    );
    const missing = await runCli(['batch', join(scratch, 'nope.jsonl')], { env: cleanEnv() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file:');
  });
});
