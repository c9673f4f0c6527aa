// Folders for the sandbox tests: a small fixture, and a hash of a tree to show it is unchanged.
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** sha256 over a folder tree: paths, types, modes, contents, link targets. */
export function hashTree(root: string): string {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const path = join(root, relative);
    const info = lstatSync(path);
    hash.update(`${relative}\0${info.mode}\0`);
    if (info.isSymbolicLink()) hash.update(`link:${readlinkSync(path)}\0`);
    else if (info.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(relative, name));
    } else hash.update(readFileSync(path));
  };
  walk('.');
  return hash.digest('hex');
}

/** A small folder with files, a sub-folder, a binary and a symlink. */
export function makeFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'bots-fixture-'));
  writeFileSync(join(root, 'a.txt'), 'alpha\n');
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  writeFileSync(join(root, 'sub', 'b.txt'), 'beta\n');
  writeFileSync(join(root, 'sub', 'deep', 'c.bin'), Buffer.from([0, 1, 2, 255]));
  symlinkSync('a.txt', join(root, 'link'));
  return root;
}
