#!/usr/bin/env node
// `pnpm bench`: runs every bench/*.bench.mjs (each exports `name` and `run(report)`), prints one
// table of rows measured in this run, and writes them to bench/results/latest.json.
// Numbers are ratios and counts from one run on a noisy machine: read them as such.
//
// Each bench file runs in a child process of its own (`node bench/run.mjs --child <file>`):
// `@azure/identity` (msal-node) keeps the first IDENTITY_ENDPOINT it sees and caches tokens for
// the whole process, and sandboxes register process-wide cleanup, so benches must not share a
// process. The child prints one `ROW_PREFIX` + JSON line per row on stdout; its stderr is passed
// through. A bench fails only on an error (or when its child exceeds CHILD_TIMEOUT_MS), never on
// a slow number.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ROW_PREFIX = '@@bench-row ';
const CHILD_TIMEOUT_MS = 150_000;

if (process.argv[2] === '--child') await child(process.argv[3]);
else await parent(process.argv.slice(2));

/** Runs one bench file in this process and prints its rows as JSON lines. */
async function child(file) {
  const write = (message) =>
    new Promise((resolve) =>
      process.stdout.write(`${ROW_PREFIX}${JSON.stringify(message)}\n`, resolve),
    );
  let failed = false;
  let pending = Promise.resolve();
  try {
    const bench = await import(pathToFileURL(join(here, file)).href);
    await write({ name: bench.name });
    await bench.run((row) => {
      pending = pending.then(() => write({ row }));
    });
  } catch (error) {
    failed = true;
    pending = pending.then(() => write({ error: String(error?.stack ?? error) }));
  }
  await pending;
  // Lingering handles (keep-alive sockets, SDK timers) must not hold the bench up; `exit`
  // handlers (sandbox cleanup) still run.
  process.exit(failed ? 1 : 0);
}

async function runChild(file) {
  // A bench may ask for a longer guard (`export const timeoutMs`), e.g. to build an image first.
  const { timeoutMs = CHILD_TIMEOUT_MS } = await import(pathToFileURL(join(here, file)).href);
  return new Promise((resolve) => {
    const started = performance.now();
    const result = { name: file.replace(/\.bench\.mjs$/, ''), rows: [], error: undefined };
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => {
      result.error ??= `timed out after ${timeoutMs / 1000} s`;
      child.kill('SIGTERM');
    }, timeoutMs);
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (!line.startsWith(ROW_PREFIX)) {
          process.stderr.write(`[bench] (${file} stdout) ${line}\n`);
          continue;
        }
        const message = JSON.parse(line.slice(ROW_PREFIX.length));
        if (message.name) {
          result.name = message.name;
          process.stderr.write(`[bench] ${message.name} ...\n`);
        }
        if (message.row) {
          result.rows.push(message.row);
          const { metric, value, unit } = message.row;
          process.stderr.write(`[bench]   ${metric}: ${value}${unit ? ` ${unit}` : ''}\n`);
        }
        if (message.error) result.error = message.error;
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!result.error && code !== 0) result.error = `exited with ${signal ?? `code ${code}`}`;
      if (result.error) process.stderr.write(`[bench] ${result.name} failed: ${result.error}\n`);
      result.seconds = (performance.now() - started) / 1000;
      process.stderr.write(`[bench] ${result.name} done in ${result.seconds.toFixed(1)} s\n`);
      resolve(result);
    });
  });
}

async function parent(only) {
  const started = performance.now();
  const files = readdirSync(here)
    .filter((file) => file.endsWith('.bench.mjs'))
    .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
    .sort();

  const rows = [];
  let failed = false;
  for (const file of files) {
    // One at a time: the machine is small and the numbers are timings.
    const result = await runChild(file);
    for (const row of result.rows) rows.push({ group: result.name, ...row });
    if (result.error) {
      failed = true;
      rows.push({ group: result.name, metric: 'error', value: result.error.split('\n')[0] });
    }
  }

  const widths = [5, 6, 5, 4].map((min, index) =>
    Math.max(
      min,
      ...rows.map(
        (row) => String([row.group, row.metric, row.value, row.unit ?? ''][index]).length,
      ),
    ),
  );
  const line = (cells) =>
    `| ${cells.map((cell, index) => String(cell).padEnd(widths[index])).join(' | ')} |`;
  console.log(line(['group', 'metric', 'value', 'unit']));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line([row.group, row.metric, row.value, row.unit ?? '']));
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${rows.length} rows from ${files.length} bench files in ${seconds.toFixed(1)} s`);

  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results', 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, seconds, rows }, null, 2)}\n`,
  );
  if (failed) process.exitCode = 1;
}
