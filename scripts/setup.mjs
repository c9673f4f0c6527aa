#!/usr/bin/env node
// One-step set-up for a new machine with only Node 20+ and npm: finds pnpm (the version of the
// root package.json's packageManager), installs the workspace and builds every package. Safe to
// run again: it is quick when everything is in place. It installs nothing globally.
//
//   node scripts/setup.mjs [--quiet]                 set up
//   node scripts/setup.mjs [--quiet] -- <command>    set up, then run the command with pnpm and
//                                                    node_modules/.bin on its PATH (npm test etc.)
//   node scripts/setup.mjs --which-pnpm              print the pnpm executable it would use, only
//
// Where pnpm is looked for, in order: on PATH; in npm's global bin (`npm prefix -g`), where
// `npm install --global pnpm` puts it even when that folder is not on PATH; else through
// `npm exec --yes --package=pnpm@<version>`, which keeps it in npm's cache. A failure ends with
// one sentence that says what to do, and exit code 1.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const separator = process.argv.indexOf('--');
const ownArguments = separator === -1 ? process.argv.slice(2) : process.argv.slice(2, separator);
const command = separator === -1 ? [] : process.argv.slice(separator + 1);
const quiet = ownArguments.includes('--quiet');
const whichOnly = ownArguments.includes('--which-pnpm');

/** An error whose message is the one sentence the user sees. */
class SetupError extends Error {}

function log(message) {
  if (!quiet) process.stderr.write(`[setup] ${message}\n`);
}

function pinnedPnpmVersion() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = /^pnpm@(\d+\.\d+\.\d+)$/.exec(manifest.packageManager ?? '')?.[1];
  if (!version) {
    throw new SetupError(
      `The root package.json has packageManager ${JSON.stringify(manifest.packageManager)}; set it to pnpm@<major.minor.patch> (for example pnpm@12.21.0).`,
    );
  }
  return version;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory && isExecutable(join(directory, name))) return join(directory, name);
  }
  return undefined;
}

/** `pnpm --version` of an executable, or undefined when it does not run. */
function versionOf(executable) {
  const result = spawnSync(executable, ['--version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, COREPACK_ENABLE_STRICT: '0' },
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** npm's stderr (and pnpm's install script's) boiled down to its most telling line. */
function npmReason(stderr) {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^npm (error|ERR!|warn)\s*/, '').trim())
    .filter((line) => line && !/^(at |\{|\}|[a-z]+: )/.test(line));
  const telling =
    lines.find((line) => /pnpm has no native binary|does not ship a prebuilt binary/.test(line)) ??
    lines.find((line) => /request to \S+ failed/.test(line))?.replace(/^\w*Error: /, '') ??
    lines.find((line) => /^E[A-Z]+\b/.test(line)) ??
    lines.find((line) => !/^(code|errno|syscall|A complete log|Log files)\b/.test(line));
  return telling
    ? telling.replace(/\.$/, '')
    : 'npm gave no reason; "npm exec --yes --foreground-scripts pnpm -- pnpm --version" shows it';
}

/** Finds pnpm; returns its absolute path and where it came from. */
function findPnpm(version) {
  const seen = [];
  const fromPath = onPath('pnpm');
  if (fromPath) {
    const found = versionOf(fromPath);
    if (found === version) return { executable: fromPath, source: 'PATH' };
    seen.push(`${fromPath} is pnpm ${found ?? '(does not run)'}`);
  }
  const prefix = spawnSync('npm', ['prefix', '--global'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (prefix.error?.code === 'ENOENT') {
    throw new SetupError(
      'Neither pnpm nor npm is on PATH; install Node.js 20 or later with npm (https://nodejs.org/) and run this again.',
    );
  }
  const globalBin = prefix.status === 0 ? join(prefix.stdout.trim(), 'bin') : undefined;
  const fromGlobal = globalBin && join(globalBin, 'pnpm');
  if (fromGlobal && fromGlobal !== fromPath && isExecutable(fromGlobal)) {
    const found = versionOf(fromGlobal);
    if (found === version) return { executable: fromGlobal, source: "npm's global bin" };
    seen.push(`${fromGlobal} is pnpm ${found ?? '(does not run)'}`);
  }
  log(`no pnpm ${version} on PATH or in npm's global bin; getting it with npm exec`);
  const exec = spawnSync(
    'npm',
    [
      'exec',
      '--yes',
      '--foreground-scripts',
      `--package=pnpm@${version}`,
      '--',
      'node',
      '-e',
      PRINT_PNPM_PATH,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  );
  const executable = exec.status === 0 ? exec.stdout.trim().split('\n').pop() : undefined;
  if (executable && versionOf(executable) === version) {
    return { executable, source: 'npm exec (kept in the npm cache)' };
  }
  const why =
    exec.status === 0
      ? `the pnpm it got (${executable || 'none'}) does not run`
      : `npm exec pnpm@${version} failed (${npmReason(exec.stderr ?? '')})`;
  const others = seen.length > 0 ? ` (${seen.join('; ')})` : '';
  throw new SetupError(
    `No pnpm ${version} was found on PATH or in npm's global bin${others}, and ${why}; install it with "npm install --global pnpm@${version}" (optional dependencies and install scripts allowed), put npm's global bin${globalBin ? ` (${globalBin})` : ''} on PATH, and run this again.`,
  );
}

// Run by `npm exec` with pnpm's bin folder first on PATH: prints where pnpm is.
const PRINT_PNPM_PATH = `
const { accessSync, constants } = require('node:fs');
const { join } = require('node:path');
for (const directory of (process.env.PATH || '').split(require('node:path').delimiter)) {
  try { accessSync(join(directory, 'pnpm'), constants.X_OK); console.log(join(directory, 'pnpm')); break; } catch {}
}`;

function pathWith(pnpmExecutable) {
  return [dirname(pnpmExecutable), join(root, 'node_modules', '.bin'), process.env.PATH ?? '']
    .filter(Boolean)
    .join(delimiter);
}

function runPnpm(pnpm, args, what) {
  const result = spawnSync(pnpm, args, {
    cwd: root,
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
    env: { ...process.env, PATH: pathWith(pnpm) },
  });
  if (result.error) {
    throw new SetupError(
      `Could not start pnpm at ${pnpm} (${result.error.message}); reinstall pnpm and run this again.`,
    );
  }
  if (result.status !== 0) {
    throw new SetupError(
      `${what} failed (pnpm ${args.join(' ')} exited with ${result.status ?? result.signal}); its message is above: fix that and run this again.`,
    );
  }
}

function runCommand(pnpm) {
  const child = spawn(command[0], command.slice(1), {
    cwd: process.cwd(),
    stdio: 'inherit',
    env: { ...process.env, PATH: pathWith(pnpm) },
  });
  // Ctrl-C reaches the child too (same process group): let it decide, and exit as it does.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('error', (error) => {
    process.stderr.write(
      `[setup] Could not run ${command[0]} (${error.message}); check the command and run this again.\n`,
    );
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 1) : 1));
  });
}

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

try {
  process.env.TURBO_TELEMETRY_DISABLED = '1';
  const version = pinnedPnpmVersion();
  const pnpm = findPnpm(version);
  if (whichOnly) {
    log(`pnpm ${version} from ${pnpm.source}`);
    process.stdout.write(`${pnpm.executable}\n`);
    process.exit(0);
  }
  log(`pnpm ${version} from ${pnpm.source}: ${pnpm.executable}`);
  log('installing dependencies');
  runPnpm(
    pnpm.executable,
    ['install', ...(process.env.CI ? ['--frozen-lockfile'] : [])],
    'Installing the dependencies',
  );
  log('building packages');
  runPnpm(
    pnpm.executable,
    ['-s', 'turbo', 'run', 'build', '--output-logs=errors-only'],
    'Building the packages',
  );
  if (command.length > 0) runCommand(pnpm.executable);
} catch (error) {
  if (!(error instanceof SetupError) && process.env.BOTS_DEBUG) throw error;
  const message =
    error instanceof SetupError
      ? error.message
      : `The set-up failed unexpectedly (${error?.message ?? error}); run it again with BOTS_DEBUG=1 to see where, and report it.`;
  process.stderr.write(`[setup] ${message}\n`);
  process.exit(1);
}
