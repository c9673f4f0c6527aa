#!/usr/bin/env node
// `pnpm bench`: runs every bench/*.bench.mjs (each exports `name` and `run(report)`), prints one
// table of rows measured in this run, and writes them to bench/results/latest.json.
// Numbers are ratios and counts from one run on a noisy machine: read them as such.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.mjs'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const rows = [];
let failed = false;
for (const file of files) {
  const bench = await import(pathToFileURL(join(here, file)).href);
  process.stderr.write(`[bench] ${bench.name} ...\n`);
  const started = performance.now();
  try {
    await bench.run((row) => {
      rows.push({ group: bench.name, ...row });
      process.stderr.write(
        `[bench]   ${row.metric}: ${row.value}${row.unit ? ` ${row.unit}` : ''}\n`,
      );
    });
  } catch (error) {
    failed = true;
    rows.push({ group: bench.name, metric: 'error', value: String(error?.stack ?? error) });
    process.stderr.write(`[bench] ${bench.name} failed: ${error?.stack ?? error}\n`);
  }
  process.stderr.write(
    `[bench] ${bench.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const widths = [5, 6, 5, 4].map((min, index) =>
  Math.max(
    min,
    ...rows.map((row) => String([row.group, row.metric, row.value, row.unit ?? ''][index]).length),
  ),
);
const line = (cells) =>
  `| ${cells.map((cell, index) => String(cell).padEnd(widths[index])).join(' | ')} |`;
console.log(line(['group', 'metric', 'value', 'unit']));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const row of rows) console.log(line([row.group, row.metric, row.value, row.unit ?? '']));

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
if (failed) process.exitCode = 1;
