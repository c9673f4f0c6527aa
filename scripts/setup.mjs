#!/usr/bin/env node
// One-step set-up for a new machine with only Node 20+ and npm: installs pnpm if missing,
// installs the workspace and builds every package. Safe to run again: it is quick when
// everything is already in place.
import { execSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.21.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

function log(message) {
  if (!quiet) process.stderr.write(`[setup] ${message}\n`);
}

function run(command) {
  execSync(command, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
}

function pnpmVersion() {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

process.env.TURBO_TELEMETRY_DISABLED = '1';
if (!pnpmVersion()) {
  log(`installing pnpm ${PNPM_VERSION} with npm`);
  run(`npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION}`);
}
const frozen = process.env.CI ? ' --frozen-lockfile' : '';
log('installing dependencies');
run(`pnpm install${frozen}`);
log('building packages');
run('pnpm -s turbo run build --output-logs=errors-only');
