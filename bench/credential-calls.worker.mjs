// The callers of credential-calls.bench.mjs, in a process started with the credential's env:
// BENCH_CONCURRENCY callers share one `tokenProviderFromEnv()` provider for BENCH_DURATION_MS,
// each calling it, checking the token's expiry and pausing 5 ms. Prints one JSON line.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { readJwtClaims, tokenProviderFromEnv } = await import(
  pathToFileURL(join(root, 'packages', 'auth', 'dist', 'index.js')).href
);

const concurrency = Number(process.env.BENCH_CONCURRENCY);
const duration = Number(process.env.BENCH_DURATION_MS);
const provider = await tokenProviderFromEnv({ provider: 'azure-openai' });
if (!provider) throw new Error('AZURE_AUTH_METHOD selected no token provider');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = performance.now();
let calls = 0;
let expired = 0;
const caller = async () => {
  while (performance.now() - started < duration) {
    const token = await provider();
    calls += 1;
    const exp = readJwtClaims(token)?.exp;
    if (typeof exp !== 'number' || exp * 1000 <= Date.now()) expired += 1;
    await sleep(5);
  }
};
await Promise.all(Array.from({ length: concurrency }, caller));
const elapsedMs = performance.now() - started;
console.log(JSON.stringify({ calls, expired, elapsedMs, ...provider.stats }));
process.exit(0);
