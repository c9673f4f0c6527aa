import { runBrowserTask } from '/work/wt/browser/packages/browser-tool/dist/index.js';
import {
  sampleSiteScript,
  startSampleSite,
} from '/work/wt/browser/packages/browser-tool/dist/testing/index.js';
import { startEmulator } from '/work/wt/browser/packages/emulator/dist/index.js';

const site = await startSampleSite();
const emulator = await startEmulator({ script: sampleSiteScript });
const r = await runBrowserTask(`On the site ${site.url} find the shelf of the book "Dune".`, {
  env: { ...emulator.env, ...emulator.keyEnv },
  model: 'azure-openai/gpt-4o',
  runner: process.argv[2] ?? 'local',
  allowHosts: [new URL(site.url).host],
  onProgress: (l) => console.error('P', l),
  timeoutMs: 120000,
});
console.log(
  JSON.stringify(
    {
      status: r.status,
      result: r.result,
      error: r.error,
      runner: r.runner,
      reason: r.runnerReason,
      refused: r.refusedRequests,
    },
    null,
    1,
  ),
);
await emulator.close();
await site.close();
