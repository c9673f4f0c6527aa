import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CACHE_COMPLETE, usableCache } from '../src/contained-cli-cache.js';

const root = mkdtempSync(join(tmpdir(), 'copilot-bot-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cacheFolder(name: string, mode: number, complete = true): string {
  const folder = join(root, name);
  mkdirSync(folder);
  if (complete) writeFileSync(join(folder, CACHE_COMPLETE), '');
  chmodSync(folder, mode);
  return folder;
}

test('the shared CLI cache is used only when it is complete, ours alone (0700) and not a link', () => {
  const good = cacheFolder('good', 0o700);
  expect(usableCache(good)).toBe(true);
  // A folder others may write (or one planted with a group/other bit) could hold their code.
  expect(usableCache(cacheFolder('group-writable', 0o770))).toBe(false);
  expect(usableCache(cacheFolder('world-readable', 0o755))).toBe(false);
  // A fill that did not finish.
  expect(usableCache(cacheFolder('incomplete', 0o700, false))).toBe(false);
  // A link to a good cache is not the cache.
  const link = join(root, 'link');
  symlinkSync(good, link);
  expect(usableCache(link)).toBe(false);
  expect(usableCache(join(root, 'missing'))).toBe(false);
});

test.runIf(process.getuid?.() === 0)(
  'a cache of another user is not used (as root: chown it away)',
  () => {
    const theirs = cacheFolder('theirs', 0o700);
    chownSync(theirs, 12_345, 12_345);
    expect(usableCache(theirs)).toBe(false);
  },
);
