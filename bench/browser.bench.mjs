// @bots/browser-tool: time from run() to the first page loaded (image present), and the whole
// small-site task (open, click, form fill, submit, answer), in the browser container and with the
// host's Chromium (local runner). Model: the emulator's scripted replies for the sample site,
// keyless through AZURE_AUTH_METHOD=azure_ad and the emulator's managed-identity endpoint.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { browserFloor } from './browser-floor.mjs';
import { dockerAnswers, median, root } from './support.mjs';

export const name = 'browser';
/** The browser image may have to be built first (minutes, once per machine). */
export const timeoutMs = 900_000;

const toolDist = join(root, 'packages', 'browser-tool', 'dist');
const RUNS = 5; // timed, after one warm-up run per runner

export async function run(report) {
  const tool = await import(pathToFileURL(join(toolDist, 'index.js')).href);
  const testing = await import(pathToFileURL(join(toolDist, 'testing', 'index.js')).href);
  const { startEmulator } = await import(
    pathToFileURL(join(root, 'packages', 'emulator', 'dist', 'index.js')).href
  );
  const { runBrowserTask, ensureBrowserImage } = tool;
  const { sampleSiteScript, sampleTask, startSampleSite } = testing;

  const emulator = await startEmulator({ script: sampleSiteScript });
  // msal-node reads the managed-identity endpoint from process.env (one emulator per process).
  process.env.IDENTITY_ENDPOINT = emulator.env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = emulator.env.IDENTITY_HEADER;
  const env = { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' };
  const site = await startSampleSite();
  const task = sampleTask(site.url);
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    const docker = await dockerAnswers();
    const runners = [
      {
        runner: 'docker',
        ...docker,
        skip: 'no engine',
        prepare: async () => {
          let building = false;
          const image = await ensureBrowserImage({
            onProgress: (line) => {
              if (!building) process.stderr.write('[bench] building the browser image first\n');
              building = true;
              if (/^(Step|Built|Successfully)/.test(line))
                process.stderr.write(`[bench]   ${line}\n`);
            },
          });
          return { image };
        },
      },
      {
        runner: 'local',
        available: existsSync(chromium),
        reason: `no Chromium at ${chromium}`,
        skip: 'no chromium',
        prepare: async () => ({ executablePath: chromium }),
      },
    ];
    for (const entry of runners) {
      const first = `${entry.runner}: run() to first page loaded`;
      const whole = `${entry.runner}: whole small-site task (5 model calls, click, form fill)`;
      if (!entry.available) {
        report({ metric: first, value: `skipped: ${entry.skip}`, unit: entry.reason });
        report({ metric: whole, value: `skipped: ${entry.skip}`, unit: entry.reason });
        continue;
      }
      const extra = await entry.prepare();
      const results = [];
      for (let index = 0; index <= RUNS; index += 1) {
        const result = await runBrowserTask(task, {
          model: 'azure-openai/gpt-4o-mini',
          env,
          runner: entry.runner,
          allowHosts: [site.host],
          timeoutMs: 120_000,
          ...extra,
        });
        if (result.status !== 'success' || !result.result?.includes('B-42'))
          throw new Error(
            `${entry.runner} run ${index}: ${result.status} ${result.error?.name}: ${result.error?.message}`,
          );
        if (index > 0) results.push(result); // the first run warms up (token, page cache)
      }
      const started = median(results.map((result) => result.timings.startedMs ?? 0));
      const firstPage = median(results.map((result) => result.timings.firstPageMs));
      report({
        metric: first,
        value: firstPage,
        unit: `ms (median of ${RUNS}${entry.runner === 'docker' ? `; container started at ${started} ms` : ''})`,
      });
      report({
        metric: whole,
        value: median(results.map((result) => result.durationMs)),
        unit: `ms (median of ${RUNS}, after 1 warm-up)`,
      });
      // The floor, same run: a bare playwright-core launch + new page + goto (browser-floor.mjs).
      const floor = await browserFloor(entry.runner, { url: site.url, runs: RUNS, ...extra });
      report({
        metric: `${entry.runner}: floor: bare playwright-core launch + new page + goto`,
        value: floor.toFixed(0),
        unit: `ms (median of ${RUNS}, after 1 warm-up)`,
      });
      report({
        metric: `${entry.runner}: first page / floor`,
        value: (firstPage / floor).toFixed(2),
        unit: 'ratio (medians of the same run)',
      });
    }
  } finally {
    await site.close();
    await emulator.close();
  }
}
