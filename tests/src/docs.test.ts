// What a user reads points only inside the repository: the Markdown files (READMEs, docs/,
// CONTRIBUTING.md) and the texts the packages and the CLI print (their source, tests excluded).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from './scratch-project.js';

const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: repoRoot,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file && existsSync(join(repoRoot, file)));

/** Markdown a user reads: everything but the demo's sample folder (data the demo bot reads). */
const documents = tracked.filter(
  (file) => file.endsWith('.md') && !file.startsWith('apps/demo/sample/'),
);
/** Source whose strings reach users: help, progress and error messages (tests excluded). */
const sources = tracked.filter(
  (file) =>
    /^(packages\/[^/]+|apps\/demo)\/(src|bin)\//.test(file) &&
    /\.(ts|mjs|js)$/.test(file) &&
    !/\.test\.ts$|test-support|test-helpers/.test(file),
);
const fileNames = new Set(tracked.map((file) => basename(file)));

/** Places of a developer's machine, or of the project's notes kept outside the repository. */
const OUTSIDE = [
  /\/work\/[\w.-]/,
  /\.\.\/shared\//,
  /\/home\/(?!bot\b)[\w.-]+\//,
  /\/Users\/[\w.-]+\//,
  /~\/(work|src|projects)\//,
];

/** Problems of one text: outside paths, and `*.md` files named that the repository lacks. */
function pointersOutside(file: string, text: string): string[] {
  const found: string[] = [];
  let inCode = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inCode = !inCode;
    for (const pattern of OUTSIDE) {
      const match = pattern.exec(line);
      if (match) found.push(`${file}:${index + 1}: points outside the repository: ${match[0]}`);
    }
    // Code may name files a user creates; prose that names a document must have it.
    if (inCode && file.endsWith('.md')) return;
    for (const [name = ''] of line.matchAll(/[\w.-]+\.md\b/g)) {
      if (!fileNames.has(name)) {
        found.push(`${file}:${index + 1}: names ${name}, which is not in the repository`);
      }
    }
  });
  return found;
}

/** Relative links of a Markdown file that do not resolve to a file or folder of the repository. */
function brokenLinks(file: string, text: string): string[] {
  const found: string[] = [];
  const withoutCode = text.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2\s*$/gm, '');
  for (const [, target = ''] of withoutCode.matchAll(/\]\(\s*<?([^)\s>#]+)[^)]*\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
    const resolved = normalize(join(dirname(file), decodeURIComponent(target)));
    if (
      resolved.startsWith('..') ||
      relative(repoRoot, join(repoRoot, resolved)).startsWith('..')
    ) {
      found.push(`${file}: links to ${target}, outside the repository`);
    } else if (!existsSync(join(repoRoot, resolved))) {
      found.push(`${file}: links to ${target}, which does not exist`);
    }
  }
  return found;
}

describe('documents and messages point only inside the repository', () => {
  test('the files checked are the ones users read', () => {
    expect(documents).toEqual(
      expect.arrayContaining([
        'README.md',
        'CONTRIBUTING.md',
        'docs/architecture.md',
        'bench/README.md',
        'packages/core/README.md',
        'packages/core/README-sandbox.md',
        'apps/demo/README.md',
      ]),
    );
    expect(sources.some((file) => file.startsWith('apps/demo/src/commands/'))).toBe(true);
  });

  test('no Markdown file names a path outside the repository or a document it does not have', () => {
    const problems = documents.flatMap((file) =>
      pointersOutside(file, readFileSync(join(repoRoot, file), 'utf8')),
    );
    expect(problems).toEqual([]);
  });

  test("no message of the packages or the CLI names a path of a developer's machine", () => {
    const problems = sources.flatMap((file) =>
      pointersOutside(file, readFileSync(join(repoRoot, file), 'utf8')),
    );
    expect(problems).toEqual([]);
  });

  test('every relative link of every Markdown file resolves inside the repository', () => {
    const problems = documents.flatMap((file) =>
      brokenLinks(file, readFileSync(join(repoRoot, file), 'utf8')),
    );
    expect(problems).toEqual([]);
  });

  test('the checks find what they look for', () => {
    expect(pointersOutside('x.md', 'The design is in `../shared/DESIGN.md`.')).toHaveLength(2);
    expect(pointersOutside('x.md', 'See /work/shared/notes for more.')).toHaveLength(1);
    expect(pointersOutside('x.md', 'HOME=/home/bot, and README-sandbox.md.')).toEqual([]);
    expect(
      brokenLinks('README.md', '[a](docs/nothing-here.md) [b](../outside) [c](#anchor)'),
    ).toEqual([
      'README.md: links to docs/nothing-here.md, which does not exist',
      'README.md: links to ../outside, outside the repository',
    ]);
  });
});
