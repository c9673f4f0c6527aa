// Copilot session start to first model request: the real @github/copilot-sdk and the real Copilot
// CLI from npm (@github/copilot), offline, against the emulator, with the provider config of
// `copilotProvider('azure-openai/gpt-4o')` (v1 API, responses wire, bearerTokenProvider from the
// @bots/auth cache, managed identity through the emulator's App Service endpoint).
//
// Rows: the CLI's start (`client.start()`, median of 3 starts); then, on one started client, 12
// sessions one after the other, each `createSession` + `sendAndWait` of one prompt, timed from the
// `createSession` call to the moment the emulator's script sees the model request (same process,
// same clock), and the whole turn; identity calls for all the sessions (one provider config shared
// by them, as an application would); model requests whose bearer token the endpoint accepted and
// found unexpired.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, root } from './support.mjs';

export const name = 'copilot';

const SESSIONS = 12;
const STARTS = 3;
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;

/** The SDK as packages/copilot resolves it (its CommonJS build: the ESM one exports no package.json to find it by). */
function loadSdk() {
  return createRequire(join(root, 'packages', 'copilot', 'package.json'))('@github/copilot-sdk');
}

export async function run(report) {
  const { startEmulator, MODEL_ENDPOINT_KINDS } = await import(dist('emulator'));
  const { copilotCliPath, copilotProvider, createKeylessSession } = await import(dist('copilot'));
  const { CopilotClient, RuntimeConnection, approveAll } = loadSdk();

  let requestSeenAt;
  const emulator = await startEmulator({
    script: () => {
      requestSeenAt ??= performance.now();
      return 'pong';
    },
  });
  process.env.IDENTITY_ENDPOINT = emulator.env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = emulator.env.IDENTITY_HEADER;

  const cache = join(root, 'packages', 'copilot', 'node_modules', '.cache', 'copilot-cli');
  mkdirSync(cache, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'bots-copilot-bench-'));
  const newClient = () =>
    new CopilotClient({
      connection: RuntimeConnection.forStdio({
        path: copilotCliPath({ env: {} }),
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          COPILOT_HOME: join(home, '.copilot'),
          COPILOT_CACHE_HOME: cache,
          COPILOT_OFFLINE: 'true',
          COPILOT_AUTO_UPDATE: 'false',
          COPILOT_PROVIDER_BASE_URL: `${emulator.urls.azureOpenAIv1}/`,
          COPILOT_MODEL: 'gpt-4o',
        },
      }),
      useLoggedInUser: false,
      workingDirectory: home,
      logLevel: 'error',
    });

  try {
    // The first start unpacks the CLI into the cache when it is empty: not counted.
    const warm = newClient();
    await warm.start();
    await warm.stop();
    const starts = [];
    for (let index = 0; index < STARTS; index++) {
      const client = newClient();
      const started = performance.now();
      await client.start();
      starts.push(performance.now() - started);
      await client.stop();
    }
    report({ metric: 'CLI start (client.start)', value: Math.round(median(starts)), unit: 'ms' });

    const client = newClient();
    await client.start();
    try {
      const provider = await copilotProvider('azure-openai/gpt-4o', {
        env: {
          AZURE_AUTH_METHOD: 'azure_ad',
          IDENTITY_ENDPOINT: emulator.env.IDENTITY_ENDPOINT,
          IDENTITY_HEADER: emulator.env.IDENTITY_HEADER,
          AZURE_OPENAI_ENDPOINT: emulator.urls.azureOpenAIv1,
        },
        wireApi: 'responses',
      });
      const identityBefore = emulator.tokenRequestCount;
      const toFirstRequest = [];
      const turns = [];
      for (let index = 0; index < SESSIONS; index++) {
        requestSeenAt = undefined;
        const started = performance.now();
        const keyless = await createKeylessSession(client, {
          model: 'gpt-4o',
          provider,
          onPermissionRequest: approveAll,
        });
        const reply = await keyless.sendAndWait({ prompt: 'Say pong' });
        const finished = performance.now();
        await keyless.disconnect();
        if (reply?.data.content !== 'pong')
          throw new Error(`unexpected reply ${reply?.data.content}`);
        if (requestSeenAt === undefined) throw new Error('no model request seen');
        toFirstRequest.push(requestSeenAt - started);
        turns.push(finished - started);
      }
      const requests = emulator.requests.ofKind(...MODEL_ENDPOINT_KINDS);
      const good = requests.filter(
        (request) => request.status === 200 && request.auth.accepted && !request.auth.expired,
      ).length;
      report({
        metric: 'session start to first model request (median)',
        value: Math.round(median(toFirstRequest)),
        unit: 'ms',
      });
      report({
        metric: 'session start to reply, one turn (median)',
        value: Math.round(median(turns)),
        unit: 'ms',
      });
      report({
        metric: `identity calls for ${SESSIONS} sessions (one provider config)`,
        value: emulator.tokenRequestCount - identityBefore,
        unit: 'calls',
      });
      report({
        metric: 'model requests with an accepted, unexpired token',
        value: `${good}/${requests.length}`,
      });
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
    await emulator.close();
  }
}
