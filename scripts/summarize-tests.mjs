#!/usr/bin/env node
// Reads the output of `npm test` (vitest in every package, through turbo) and prints one closing
// summary for the whole run: why tests were skipped, package by package (the lines that
// scripts/vitest-skip-reasons.ts prints at the end of each package's run), then
// `N passed, N failed, N skipped`, so that a CI reader sees at once whether a test that needs
// Docker, bubblewrap or Chromium was skipped, and why.
import { readFileSync } from 'node:fs';

const HEADER = 'Skipped tests, and why:';
const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
const reasons = [];
const inBlock = new Set();
for (const line of text.split('\n')) {
  const prefixed = /^(\S+?):test:\s?(.*)$/.exec(line);
  const task = prefixed?.[1] ?? '';
  const content = prefixed ? prefixed[2] : line;
  const summary = /^\s*Tests\s+(.*)$/.exec(content);
  if (summary) {
    for (const [, count, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind in totals) totals[kind] += Number(count);
    }
    continue;
  }
  if (content.trim() === HEADER) {
    inBlock.add(task);
    continue;
  }
  if (inBlock.has(task)) {
    const reason = /^\s{2}(\d+) skipped: (.*)$/.exec(content);
    if (reason) reasons.push(`${task || 'tests'}: ${reason[1]} skipped: ${reason[2]}`);
    else if (!/^\s{4}e\.g\. /.test(content)) inBlock.delete(task);
  }
}
if (reasons.length > 0) {
  console.log(HEADER);
  for (const reason of reasons) console.log(`  ${reason}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
