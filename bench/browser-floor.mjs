// The floor of the browser's first page (not a bench itself: browser.bench.mjs calls it, so the
// floor and the first-page time come from the same run): a bare `playwright-core` launch + new
// page + goto of the same page, with nothing of @bots/browser-tool (no agent, no model call, no
// network guard, no channel). `local`: this host's Chromium; `docker`: the same in a container
// of the browser image (its own node and playwright-core), `--network host` to reach the page
// on loopback, timed on the host from before the container is created.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { median, root } from './support.mjs';

const fromBrowserTool = createRequire(join(root, 'packages', 'browser-tool', 'package.json'));

/** Flags that work as root in a closed network; the host resolver answers loopback only. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Where the browser image keeps playwright-core (browser-image.ts copies it into the agent). */
const IMAGE_PLAYWRIGHT = '/opt/bots-browser/node_modules/playwright-core';
const MARKER = 'FLOOR-LOADED';

async function localOnce({ url, executablePath }) {
  const { chromium } = fromBrowserTool('playwright-core');
  const started = performance.now();
  const browser = await chromium.launch({ executablePath, args: FLAGS });
  try {
    const page = await browser.newPage();
    const response = await page.goto(url);
    if (!response?.ok()) throw new Error(`bare goto ${url}: HTTP ${response?.status()}`);
    return performance.now() - started;
  } finally {
    await browser.close();
  }
}

async function dockerOnce({ url, image }) {
  const Docker = fromBrowserTool('dockerode');
  const docker = new Docker();
  const script = `const { chromium } = require(${JSON.stringify(IMAGE_PLAYWRIGHT)});
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ${JSON.stringify(FLAGS)} });
  const page = await browser.newPage();
  const response = await page.goto(${JSON.stringify(url)});
  process.stdout.write(response && response.ok() ? '${MARKER}\\n' : 'FLOOR-FAILED ' + (response && response.status()) + '\\n');
  await browser.close();
})().catch((error) => { console.error(error); process.exit(1); });`;
  const started = performance.now();
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['node', '-e', script],
    Labels: { 'bots.bench': 'browser-floor' },
    HostConfig: { NetworkMode: 'host' },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    let output = '';
    const loaded = new Promise((resolve, reject) => {
      stream.on('data', (chunk) => {
        output += chunk.toString('utf8');
        if (output.includes(MARKER)) resolve(performance.now() - started);
        else if (output.includes('FLOOR-FAILED')) reject(new Error(output));
      });
      stream.on('end', () => reject(new Error(`the floor container ended: ${output}`)));
    });
    await container.start();
    const time = await loaded;
    await container.wait();
    return time;
  } finally {
    await container.remove({ force: true });
  }
}

/**
 * The median of `runs` bare first pages (after one warm-up) for `runner` (`local` or `docker`).
 * `executablePath` (local) and `image` (docker) as the browser bench uses them.
 */
export async function browserFloor(runner, { url, executablePath, image, runs }) {
  const once =
    runner === 'docker'
      ? () => dockerOnce({ url, image })
      : () => localOnce({ url, executablePath });
  await once();
  const times = [];
  for (let index = 0; index < runs; index += 1) times.push(await once());
  return median(times);
}
