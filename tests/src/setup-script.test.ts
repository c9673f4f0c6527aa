// scripts/setup.mjs on a machine where pnpm is not on PATH: a PATH with every program of this
// machine but pnpm, and a temporary npm prefix (npm's global bin), empty or holding pnpm.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot } from './scratch-project.js';

const setup = join(repoRoot, 'scripts', 'setup.mjs');
const pinned = /^pnpm@(.+)$/.exec(
  (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string })
    .packageManager,
)?.[1];
const scratch = mkdtempSync(join(tmpdir(), 'bots-setup-'));
const PNPM_NAMES = new Set(['pnpm', 'pnpx', 'pn', 'pnx', 'corepack']);

/** A folder with a link to every program on PATH except pnpm's: PATH has node and npm, no pnpm. */
function pathWithoutPnpm(): string {
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      continue;
    }
    for (const name of names) {
      if (PNPM_NAMES.has(name)) continue;
      try {
        symlinkSync(join(directory, name), join(bin, name));
      } catch {
        // an earlier PATH entry already has this name
      }
    }
  }
  return bin;
}

const bin = pathWithoutPnpm();
const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
const realPnpm = execFileSync(process.execPath, [setup, '--which-pnpm', '--quiet'], {
  encoding: 'utf8',
}).trim();

/** An npm cache with its own (empty) npx folder that shares the downloaded tarballs. */
function freshNpxCache(): string {
  const cache = mkdtempSync(join(scratch, 'npm-cache-'));
  symlinkSync(join(npmCache, '_cacache'), join(cache, '_cacache'));
  return cache;
}

/**
 * This process's environment without PATH and without what npm or pnpm set for the script that
 * runs these tests (npm_config_prefix among them); the rest (proxies, CA certificates for the
 * registry, HOME) stays, as a user's shell has it.
 */
function machineEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && entry[0] !== 'PATH' && !/^(npm|pnpm)_/i.test(entry[0]),
    ),
  );
}

async function runSetup(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [setup, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...machineEnv(), PATH: bin, npm_config_update_notifier: 'false', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

function emptyPrefix(): string {
  return mkdtempSync(join(scratch, 'prefix-'));
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('scripts/setup.mjs without pnpm on PATH', () => {
  test('the PATH of these tests has node and npm but no pnpm', () => {
    const names = readdirSync(bin);
    expect(names).toContain('node');
    expect(names).toContain('npm');
    expect(names).not.toContain('pnpm');
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('finds the pnpm that npm install --global put in npm global bin, off PATH', async () => {
    const prefix = emptyPrefix();
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(realPnpm, join(prefix, 'bin', 'pnpm'));
    const found = await runSetup(['--which-pnpm'], { npm_config_prefix: prefix });
    expect(found.stderr).toContain(`pnpm ${pinned} from npm's global bin`);
    expect([found.code, found.stdout.trim()]).toEqual([0, join(prefix, 'bin', 'pnpm')]);
  });

  test('with no pnpm anywhere, gets it through npm exec (nothing installed globally)', async () => {
    const prefix = emptyPrefix();
    const found = await runSetup(['--which-pnpm'], { npm_config_prefix: prefix });
    expect(found.code, found.stderr).toBe(0);
    expect(found.stderr).toContain('from npm exec');
    expect(found.stdout.trim()).toContain(join('_npx', ''));
    expect(execFileSync(found.stdout.trim(), ['--version'], { encoding: 'utf8' }).trim()).toBe(
      pinned,
    );
    expect(readdirSync(prefix)).toEqual([]);
  });

  test('when npm refuses install scripts (ignore-scripts), pnpm still runs, through Node', async () => {
    const found = await runSetup(['--which-pnpm'], {
      npm_config_prefix: emptyPrefix(),
      npm_config_cache: freshNpxCache(),
      npm_config_ignore_scripts: 'true',
    });
    expect(found.code, found.stderr).toBe(0);
    expect(execFileSync(found.stdout.trim(), ['--version'], { encoding: 'utf8' }).trim()).toBe(
      pinned,
    );
  });

  test('when pnpm cannot be had, says what to do in one sentence, no stack trace, exit 1', async () => {
    const cases = {
      'registry unreachable': {
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_fetch_retries: '0',
        npm_config_cache: mkdtempSync(join(scratch, 'empty-cache-')),
      },
      "pnpm's install script fails (optional dependencies omitted)": {
        npm_config_omit: 'optional',
        npm_config_cache: freshNpxCache(),
      },
    };
    const reasons: Record<string, string> = {};
    for (const [name, env] of Object.entries(cases)) {
      const failed = await runSetup(['--quiet', '--which-pnpm'], {
        npm_config_prefix: emptyPrefix(),
        ...env,
      });
      expect(failed.code, name).toBe(1);
      expect(failed.stdout, name).toBe('');
      const lines = failed.stderr.trim().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(failed.stderr, name).not.toMatch(/^\s+at /m);
      expect(lines[0], name).toMatch(
        new RegExp(
          `^\\[setup\\] No pnpm ${pinned} was found .* and npm exec pnpm@${pinned} failed \\(.+\\); install it with "npm install --global pnpm@${pinned}" .* and run this again\\.$`,
        ),
      );
      reasons[name] = /failed \((.+?)\); install/.exec(lines[0] ?? '')?.[1] ?? '';
    }
    expect(reasons['registry unreachable']).toContain('ECONNREFUSED');
    expect(reasons["pnpm's install script fails (optional dependencies omitted)"]).toContain(
      'no native binary',
    );
  });

  test('installs, builds, then runs the command with pnpm on its PATH', async () => {
    const prefix = emptyPrefix();
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(realPnpm, join(prefix, 'bin', 'pnpm'));
    const run = await runSetup(
      [
        '--quiet',
        '--',
        process.execPath,
        '-e',
        "process.stdout.write(require('node:child_process').execFileSync('pnpm', ['--version']))",
      ],
      { npm_config_prefix: prefix },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(pinned);
  });
});
