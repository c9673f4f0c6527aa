import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../src/cli.js';
import { runCli } from './helpers.js';

const names = Object.keys(COMMANDS);

describe("help comes from each command's option table", () => {
  test('every command has its own --help: usage, arguments, every option of its table, an example', async () => {
    const outputs = new Map<string, string>();
    for (const name of names) {
      const run = await runCli([name, '--help']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const help = run.stdout;
      expect(help.startsWith(`Usage: bots ${name} `), help).toBe(true);
      const spec = COMMANDS[name]?.spec;
      for (const argument of spec?.arguments ?? []) expect(help).toContain(`<${argument.name}>`);
      for (const option of Object.keys(spec?.options ?? {})) {
        expect(help, `${name} --help names --${option}`).toMatch(
          new RegExp(`\\n  (-\\w, )?--${option}\\b`),
        );
      }
      expect(help).toMatch(/\nExamples?:\n {2}(\S+=\S+ )*bots /);
      outputs.set(name, help);
    }
    const main = await runCli(['--help']);
    outputs.set('--help', main.stdout);
    // one per command and the main help, all different
    const count = Object.keys(COMMANDS).length + 1;
    expect(outputs.size).toBe(count);
    expect(new Set(outputs.values()).size).toBe(count);
  });

  test("each command's help names only its own options", async () => {
    const doctor = (await runCli(['doctor', '--help'])).stdout;
    expect(doctor).not.toContain('--max-iterations');
    expect(doctor).toContain('--fix');
    const browse = (await runCli(['browse', '--help'])).stdout;
    expect(browse).toContain('--allow-host <host>');
    expect(browse).toContain('--build-image');
    expect(browse).not.toContain('--mount');
    const read = (await runCli(['read', '--help'])).stdout;
    expect(read).not.toContain('--mount');
    expect(read).not.toContain('--allow-host');
  });

  test('bots --help lists every command with its arguments and summary; -h and help are the same', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const name of names) {
      const spec = COMMANDS[name]?.spec;
      expect(main.stdout).toMatch(new RegExp(`\\n  ${name}( |\\n)`));
      expect(main.stdout).toContain((spec?.summary ?? '').split(' ').slice(0, 4).join(' '));
    }
    expect(main.stdout).toContain('Exit codes');
    expect((await runCli(['-h'])).stdout).toBe(main.stdout);
    expect((await runCli(['help'])).stdout).toBe(main.stdout);
    expect((await runCli(['help', 'read'])).stdout).toBe((await runCli(['read', '--help'])).stdout);
  });

  test('bots demo --help documents --model (the demo banner suggests it)', async () => {
    const run = await runCli(['demo', '--help']);
    expect(run.stdout).toMatch(
      /\n {2}-m, --model <provider\/name> +ask a real model the same question/,
    );
  });

  test('the defaults are shown: --timeout 600 s, --request-timeout, --max-iterations 20', async () => {
    const run = await runCli(['read', '--help']);
    expect(run.stdout).toMatch(/--timeout <seconds>[\s\S]*\(default: 600 s, 10 minutes\)/);
    expect(run.stdout).toMatch(/--request-timeout <seconds>[\s\S]*\(default: 180 s, 3 minutes\)/);
    expect(run.stdout).toMatch(/--max-iterations <N> +most model calls of the run \(default: 20\)/);
  });

  test("an unknown option lists exactly the options of the command's table, with the near match", async () => {
    for (const name of names) {
      const run = await runCli([name, '--iterations', '3']);
      expect(run.code).toBe(2);
      const listed = /The options of bots \w+ are: ([^.]+)\./.exec(run.stderr)?.[1];
      expect(listed, run.stderr).toBe(
        Object.keys(COMMANDS[name]?.spec.options ?? {})
          .map((option) => `--${option}`)
          .join(', '),
      );
      if ('max-iterations' in (COMMANDS[name]?.spec.options ?? {})) {
        expect(run.stderr).toContain('Did you mean --max-iterations?');
      }
    }
  });
});

describe('the README', () => {
  test('names every option of every command', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of names) {
      for (const option of Object.keys(COMMANDS[name]?.spec.options ?? {})) {
        if (option === 'help') continue;
        expect(readme, `README names --${option} of bots ${name}`).toContain(`--${option}`);
      }
    }
  });
});
