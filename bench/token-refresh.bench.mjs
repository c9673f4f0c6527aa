// Identity-endpoint calls per token lifetime under concurrency, calls that waited for a refresh,
// and whether any token was handed out already expired: @bots/auth's cached provider
// (`tokenProviderFromEnv`, managed identity) against the emulator's managed-identity endpoint
// issuing 2-second tokens, then `@azure/identity`'s `getBearerTokenProvider` on the same kind of
// credential for comparison. Runs in a process of its own (msal-node keeps the first
// IDENTITY_ENDPOINT it sees, process-wide).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const name = 'auth';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;

const LIFETIME_SECONDS = 2;
const LIFETIMES = 5;
const CONCURRENCY = [1, 10, 100];
const PAUSE_MS = 5; // the small await between two calls of one caller
const SCOPE = 'https://cognitiveservices.azure.com/.default';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(report) {
  const { startEmulator } = await import(dist('emulator'));
  const { loadIdentity, tokenProviderFromEnv } = await import(dist('auth'));
  const emulator = await startEmulator({ tokenLifetimeSeconds: LIFETIME_SECONDS });
  process.env.IDENTITY_ENDPOINT = emulator.env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = emulator.env.IDENTITY_HEADER;
  try {
    // The signature and claims of each distinct token are checked once with the emulator;
    // every hand-out is then checked against the token's `exp` as the emulator does
    // (`exp <= now` is expired).
    const seen = new Map();
    const inspect = (token) => {
      let claims = seen.get(token);
      if (!claims) {
        const verification = emulator.verifyToken(token);
        if (!verification.claims) throw new Error(`unreadable token: ${verification.reason}`);
        if (!verification.valid && verification.reason !== 'token expired') {
          throw new Error(`invalid token handed out: ${verification.reason}`);
        }
        claims = verification.claims;
        seen.set(token, claims);
      }
      return claims.exp * 1000 - Date.now();
    };

    const measure = async (provider, concurrency) => {
      seen.clear();
      const identityBefore = emulator.tokenRequestCount;
      emulator.requests.clear();
      const stats = provider.stats;
      let firstCallsDone = 0;
      let waitsAtWarm;
      const started = performance.now();
      const deadline = started + LIFETIMES * LIFETIME_SECONDS * 1000;
      let calls = 0;
      let expired = 0;
      let minRemainingMs = Number.POSITIVE_INFINITY;
      let slowest = 0;
      const caller = async () => {
        let first = true;
        while (performance.now() < deadline) {
          const callStarted = performance.now();
          const token = await provider();
          slowest = Math.max(slowest, performance.now() - callStarted);
          calls += 1;
          if (first) {
            // Once every caller has had its first token, later waits are refresh waits.
            first = false;
            firstCallsDone += 1;
            if (firstCallsDone === concurrency && stats) waitsAtWarm = stats.waits;
          }
          const remaining = inspect(token);
          minRemainingMs = Math.min(minRemainingMs, remaining);
          if (remaining <= 0) expired += 1;
          await sleep(PAUSE_MS);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, caller));
      const lifetimes = (performance.now() - started) / (LIFETIME_SECONDS * 1000);
      // `exp` is whole seconds: a token issued at t lives until floor(t) + lifetime.
      const issued = emulator.requests
        .ofKind('identity')
        .filter((request) => request.issuedToken)
        .map((request) => request.issuedToken.expiresAt * 1000 - request.time);
      return {
        meanLifetimeMs: issued.reduce((sum, value) => sum + value, 0) / Math.max(1, issued.length),
        waitsAfterFirstToken: stats ? stats.waits - (waitsAtWarm ?? stats.waits) : undefined,
        identityCalls: emulator.tokenRequestCount - identityBefore,
        lifetimes,
        calls,
        expired,
        minRemainingMs,
        slowest,
        distinct: seen.size,
      };
    };

    const rows = (label, concurrency, result) => {
      const prefix = `${label}, ${concurrency} caller${concurrency === 1 ? '' : 's'}`;
      report({
        metric: `${prefix}: identity calls per token lifetime`,
        value: (result.identityCalls / result.lifetimes).toFixed(2),
        unit: `calls (${result.identityCalls} in ${result.lifetimes.toFixed(1)} lifetimes of ${LIFETIME_SECONDS} s; tokens lived ${(result.meanLifetimeMs / 1000).toFixed(2)} s on average)`,
      });
      report({
        metric: `${prefix}: provider calls`,
        value: result.calls,
        unit: `count (slowest ${result.slowest.toFixed(1)} ms)`,
      });
      if (result.waitsAfterFirstToken !== undefined) {
        report({
          metric: `${prefix}: calls that waited for a refresh`,
          value: result.waitsAfterFirstToken,
          unit: `count after the first token (${result.waits} with the first; fetches ${result.fetches}, ${result.backgroundRefreshes} in background)`,
        });
      }
      report({
        metric: `${prefix}: tokens expired at hand-out`,
        value: result.expired,
        unit: `count (least lifetime left at hand-out ${Math.round(result.minRemainingMs)} ms)`,
      });
    };

    for (const concurrency of CONCURRENCY) {
      const provider = await tokenProviderFromEnv({
        env: { AZURE_AUTH_METHOD: 'managed_identity' },
        provider: 'azure-openai',
      });
      if (!provider) throw new Error('tokenProviderFromEnv returned no provider');
      const result = await measure(provider, concurrency);
      rows('@bots/auth', concurrency, { ...provider.stats, ...result });
    }

    const identity = await loadIdentity();
    for (const concurrency of CONCURRENCY) {
      const provider = identity.getBearerTokenProvider(
        new identity.ManagedIdentityCredential(),
        SCOPE,
      );
      rows('getBearerTokenProvider', concurrency, await measure(provider, concurrency));
    }
  } finally {
    await emulator.close();
  }
}
