#!/usr/bin/env node
// Shows that every package is versioned on its own and that `changeset version` works offline:
// in a scratch copy of the repository, a patch changeset for @bots/auth bumps @bots/auth (and,
// as a dependency bump, the packages that depend on it), and leaves @bots/emulator alone.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'bots-changesets-'));
const version = (dir) =>
  JSON.parse(readFileSync(join(scratch, dir, 'package.json'), 'utf8')).version;
try {
  const skip = new Set(['node_modules', '.git', '.turbo', 'dist', '.ci-work']);
  cpSync(root, scratch, {
    recursive: true,
    filter: (source) => !skip.has(source.split('/').pop()),
  });
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  // The changesets waiting in the repository would bump packages too: check ours alone.
  for (const file of readdirSync(join(scratch, '.changeset'))) {
    if (file.endsWith('.md') && file !== 'README.md') rmSync(join(scratch, '.changeset', file));
  }
  const before = { auth: version('packages/auth'), emulator: version('packages/emulator') };
  writeFileSync(
    join(scratch, '.changeset', 'check-offline.md'),
    '---\n"@bots/auth": patch\n---\n\nChecks that changeset version works offline.\n',
  );
  execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['version'], {
    cwd: scratch,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_offline: 'true' },
  });
  const after = { auth: version('packages/auth'), emulator: version('packages/emulator') };
  const [major, minor, patch] = before.auth.split('.').map(Number);
  const expected = `${major}.${minor}.${patch + 1}`;
  if (after.auth !== expected || after.emulator !== before.emulator) {
    throw new Error(
      `changeset version: expected auth ${expected} and emulator ${before.emulator}, got ${JSON.stringify(after)}`,
    );
  }
  console.log(
    `changesets: @bots/auth ${before.auth} -> ${after.auth}, @bots/emulator stays ${after.emulator} (offline)`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
