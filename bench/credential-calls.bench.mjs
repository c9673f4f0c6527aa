// Identity calls per token lifetime for the service principal (client secret, through the
// emulator's https authority) and the `az` path (AzureCliCredential, which runs `az` once per
// fetch and has no cache of its own), at 1 and 50 concurrent callers of one `@bots/auth`
// provider. The callers run in a worker process of their own, started with NODE_EXTRA_CA_CERTS
// (Node reads it only at start); the emulator here counts what reached it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const name = 'credentials';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;

const LIFETIME_SECONDS = 4;
const LIFETIMES = 4;
const CONCURRENCY = [1, 50];

export async function run(report) {
  const { startEmulator } = await import(dist('emulator'));
  const emulator = await startEmulator({ tokenLifetimeSeconds: LIFETIME_SECONDS });
  try {
    const cli = emulator.writeCliStandIns();
    const paths = [
      {
        label: 'service principal (client secret)',
        env: {
          AZURE_AUTH_METHOD: 'environment',
          ...emulator.credentialEnv('client-secret'),
        },
        counted: (request) => request.kind === 'authority' && request.path.endsWith('/token'),
      },
      {
        label: 'az (AzureCliCredential)',
        env: { AZURE_AUTH_METHOD: 'azure_cli', PATH: cli.env.PATH },
        counted: (request) => request.kind === 'identity' && request.source === 'azure-cli',
      },
    ];
    for (const path of paths) {
      for (const concurrency of CONCURRENCY) {
        emulator.requests.clear();
        const result = await worker({
          ...path.env,
          BENCH_CONCURRENCY: String(concurrency),
          BENCH_DURATION_MS: String(LIFETIMES * LIFETIME_SECONDS * 1000),
        });
        const calls = [...emulator.requests].filter(path.counted).length;
        const lifetimes = result.elapsedMs / (LIFETIME_SECONDS * 1000);
        const prefix = `${path.label}, ${concurrency} caller${concurrency === 1 ? '' : 's'}`;
        report({
          metric: `${prefix}: identity calls per token lifetime`,
          value: (calls / lifetimes).toFixed(2),
          unit: `calls (${calls} in ${lifetimes.toFixed(1)} lifetimes of ${LIFETIME_SECONDS} s; ${result.calls} provider calls, ${result.waits} waited, ${result.expired} expired at hand-out)`,
        });
      }
    }
  } finally {
    await emulator.close();
  }
}

function worker(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'credential-calls.worker.mjs')], {
      env: { HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`credential worker exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
  });
}
