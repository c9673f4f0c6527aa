#!/usr/bin/env node
// Reads the output of `npm test` (vitest in every package, through turbo) and prints one closing
// line for the whole run, `N passed, N failed, N skipped`, after listing every skipped test, so
// that a CI reader sees at once whether a test that needs Docker or Chromium was skipped.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedTests = [];
for (const line of text.split('\n')) {
  const summary = line.match(/^(\S+:test: )?\s*Tests\s+(.*)$/);
  if (summary) {
    for (const [, count, kind] of summary[2].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind in totals) totals[kind] += Number(count);
    }
    continue;
  }
  const skipped = line.match(/^(\S+):test:\s+↓\s+(.*)$/);
  if (skipped) skippedTests.push(`${skipped[1]}: ${skipped[2].trim()}`);
}
if (skippedTests.length > 0) {
  console.log(`skipped tests (${skippedTests.length}):`);
  for (const test of skippedTests) console.log(`  ${test}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
