// What the browser container holds and reaches, looked at while it runs (the model's second call
// is held, so the container is up): no token, key or channel secret in `docker inspect`, in the
// host's process list (`ps e`) or in any process's environment; no network; a channel folder
// only its own user can open; and, with a shell in the container (what a page that took over the
// renderer would have), no way to the host's loopback and no way to write the channel.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tokenProviderFromEnv } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { describeWhen, dockerAvailability } from '@bots/test-kit';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { browserContainers } from '../test/docker-support.js';
import { MODEL_SOCKET } from './agent/host-channel-protocol.js';
import { ensureBrowserImage } from './browser-image.js';
import { type BrowserTaskResult, runBrowserTask } from './run-browser-task.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';

const availability = await dockerAvailability();

/** Everything of this host a local user could read about processes: environments and command lines. */
function processListing(): string {
  const parts = [execFileSync('ps', ['axeww', '-o', 'pid,user,args'], { encoding: 'utf8' })];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    for (const file of ['environ', 'cmdline']) {
      try {
        parts.push(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
      } catch {
        // ended meanwhile, or not ours to read
      }
    }
  }
  return parts.join('\n');
}

describeWhen('the browser container while it runs (Docker engine)', availability, () => {
  const key = `key-${randomBytes(16).toString('hex')}`;
  const emulator = useEmulator({ script: sampleSiteScript, apiKeys: { azureOpenAI: key } });
  let site: SampleSite;
  let task: string;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    site = await startSampleSite();
    task = `On the site ${site.url} find the shelf of the book "Dune".`;
    await ensureBrowserImage({ onProgress: () => undefined, pruneOld: false });
  }, 900_000);
  afterEach(() => {
    release();
    emulator.setScript(sampleSiteScript);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await site?.close();
  });

  /** Starts a run whose second model call waits; resolves once the container is up and waiting. */
  async function heldRun(options: Parameters<typeof runBrowserTask>[1]) {
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let waiting: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    emulator.setScript(async (request) => {
      if (request.messages.length > 2) {
        waiting();
        await held;
      }
      return sampleSiteScript(request);
    });
    const run = runBrowserTask(task, { allowHosts: [site.host], timeoutMs: 120_000, ...options });
    await Promise.race([reached, run.then(() => undefined)]);
    const [id] = await browserContainers();
    if (!id) throw new Error(`no running browser container: ${JSON.stringify(await run)}`);
    return { id, run };
  }

  test.each([
    ['an Entra ID token (azure_ad)', 'token'],
    ['an API key', 'key'],
  ] as const)(
    'with %s: no credential in docker inspect, ps e or /proc/*/environ, no network',
    async (_name, auth) => {
      const secrets: string[] = [];
      let options: Parameters<typeof runBrowserTask>[1];
      if (auth === 'token') {
        const inner = await tokenProviderFromEnv({
          env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
          provider: 'azure-openai',
        });
        if (!inner) throw new Error('azure_ad gave no token provider');
        const tokenProvider = Object.assign(
          async () => {
            const token = await inner();
            secrets.push(token);
            return token;
          },
          { invalidate: () => inner.invalidate() },
        );
        options = { model: 'azure-openai/gpt-4o', env: emulator.env, tokenProvider };
      } else {
        secrets.push(key);
        options = {
          model: 'azure-openai/gpt-4o',
          env: { ...emulator.env, AZURE_OPENAI_API_KEY: key },
        };
      }
      const { id, run } = await heldRun(options);
      let result: BrowserTaskResult;
      try {
        expect(secrets.length).toBeGreaterThan(0);
        const inspect = execFileSync('docker', ['inspect', id], { encoding: 'utf8' });
        const listing = processListing();
        for (const secret of secrets) {
          expect(inspect.includes(secret), 'the credential is in docker inspect').toBe(false);
          expect(listing.includes(secret), 'the credential is in the process list').toBe(false);
        }
        const [info] = JSON.parse(inspect) as {
          Config: { Env: string[]; User: string };
          HostConfig: { NetworkMode: string; Binds: string[] };
          Mounts: { Source: string; Destination: string; RW: boolean }[];
        }[];
        const mount = info?.Mounts.find((entry) => entry.Destination === '/run/bots');
        // Another local user (nobody) cannot open the model server's socket to make model calls.
        const asNobody = spawnSync(
          process.execPath,
          [
            '-e',
            `require('net').connect(${JSON.stringify(join(mount?.Source ?? '', MODEL_SOCKET))}).on('connect', () => { console.log('CONNECTED'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(3) })`,
          ],
          { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 30_000 },
        );
        expect([asNobody.status, asNobody.stdout.trim()]).toEqual([3, 'EACCES']);

        // A shell in the container (a page that took over the renderer): only its own loopback,
        // no route to the host's services, and the channel folder is read-only.
        const emulatorPort = new URL(emulator.urls.base).port;
        const inside = spawnSync(
          'docker',
          [
            'exec',
            id,
            'node',
            '-e',
            `const net = require('net');
           console.log('interfaces', Object.keys(require('os').networkInterfaces()).join(','));
           try { require('fs').writeFileSync('/run/bots/x', 'x'); console.log('WROTE'); } catch (e) { console.log('write', e.code); }
           net.connect(${emulatorPort}, '127.0.0.1').on('connect', () => { console.log('REACHED'); process.exit(0) }).on('error', (e) => { console.log('connect', e.code); process.exit(0) });`,
          ],
          { encoding: 'utf8', timeout: 60_000 },
        );
        expect(inside.stdout.split('\n').filter(Boolean)).toEqual([
          'interfaces lo',
          'write EROFS',
          'connect ECONNREFUSED',
        ]);

        // What makes it so, as the engine has it.
        expect(info?.HostConfig.NetworkMode).toBe('none');
        expect(info?.Config.Env.join('\n')).not.toMatch(
          /AZURE_OPENAI_AD_TOKEN|AZURE_OPENAI_API_KEY|OPEN_AI_KEY|BOTS_TOKEN_SECRET|BOTS_TOKEN_ENDPOINT/,
        );
        // The channel: one read-only folder, mode 0700, owned by the container's own user, who is
        // neither root nor nobody.
        const [uid] = (info?.Config.User ?? '').split(':').map(Number);
        expect(uid).toBeGreaterThan(0);
        expect(uid).not.toBe(65534);
        expect(mount).toMatchObject({ RW: false });
        const folder = statSync(mount?.Source ?? '');
        expect([folder.mode & 0o777, folder.uid]).toEqual([0o700, uid]);
      } finally {
        release();
        result = await run;
      }
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ status: 'success', auth, runner: 'docker' });
      const everything = JSON.stringify(result);
      for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
      expect(await browserContainers()).toEqual([]);
    },
  );
});
