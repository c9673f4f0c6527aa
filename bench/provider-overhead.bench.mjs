// Overhead of @bots/providers over the raw SDK: one chat completion through
// `createChatModel('azure-openai/<deployment>')` against the same call made with `openai`'s
// `AzureOpenAI` client, both against the same emulator endpoint with the same fixed token
// provider (so token cost is equal), interleaved in rounds.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const name = 'providers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;

const DEPLOYMENT = 'gpt-4o-mini';
const WARMUP = 50;
const ROUNDS = 40;
const CALLS_PER_ROUND = 25;

/** The `openai` that @bots/providers itself resolves (same version, same module). */
async function importOpenAI() {
  const directory = realpathSync(join(root, 'packages', 'providers', 'node_modules', 'openai'));
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  const entry = manifest.exports['.'].import ?? manifest.exports['.'].default;
  const file = typeof entry === 'string' ? entry : (entry.default ?? entry.import);
  return import(pathToFileURL(join(directory, file)).href);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function run(report) {
  const { startEmulator } = await import(dist('emulator'));
  const { createChatModel } = await import(dist('providers'));
  const { AzureOpenAI } = await importOpenAI();
  const emulator = await startEmulator({ script: () => 'ok' });
  try {
    const { token } = emulator.issueToken({
      audience: 'https://cognitiveservices.azure.com/.default',
      lifetimeSeconds: 3600,
    });
    const tokenProvider = async () => token;
    const messages = [{ role: 'user', content: 'Say ok.' }];

    const model = await createChatModel(`azure-openai/${DEPLOYMENT}`, {
      env: emulator.env,
      tokenProvider,
    });
    const client = new AzureOpenAI({
      azureADTokenProvider: tokenProvider,
      endpoint: emulator.env.AZURE_OPENAI_ENDPOINT,
      apiVersion: emulator.env.AZURE_OPENAI_API_VERSION,
      deployment: DEPLOYMENT,
    });

    const viaProviders = async () => {
      const { text } = await model.complete({ messages });
      if (text !== 'ok') throw new Error(`unexpected reply ${JSON.stringify(text)}`);
    };
    const viaSdk = async () => {
      const completion = await client.chat.completions.create({ model: DEPLOYMENT, messages });
      const text = completion.choices[0]?.message.content;
      if (text !== 'ok') throw new Error(`unexpected reply ${JSON.stringify(text)}`);
    };
    const timed = async (call, into) => {
      const started = performance.now();
      await call();
      into.push(performance.now() - started);
    };

    for (let index = 0; index < WARMUP; index += 1) {
      await viaProviders();
      await viaSdk();
    }
    // Rounds of CALLS_PER_ROUND calls of each, interleaved call by call (A B, then B A, ...) so
    // that a burst of load from elsewhere on the machine hits both alike; every call is timed.
    const providerTimes = [];
    const sdkTimes = [];
    const ratios = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      emulator.requests.clear(); // keep the emulator's log from growing across rounds
      const a = [];
      const b = [];
      for (let index = 0; index < CALLS_PER_ROUND; index += 1) {
        if ((round * CALLS_PER_ROUND + index) % 2 === 0) {
          await timed(viaProviders, a);
          await timed(viaSdk, b);
        } else {
          await timed(viaSdk, b);
          await timed(viaProviders, a);
        }
      }
      providerTimes.push(...a);
      sdkTimes.push(...b);
      ratios.push(median(a) / median(b));
    }
    const providers = median(providerTimes);
    const sdk = median(sdkTimes);
    const calls = `median of ${ROUNDS} rounds × ${CALLS_PER_ROUND} calls, interleaved`;
    report({
      metric: 'chat completion via createChatModel, per call',
      value: (providers * 1000).toFixed(0),
      unit: `µs (${calls})`,
    });
    report({
      metric: 'chat completion via raw AzureOpenAI, per call',
      value: (sdk * 1000).toFixed(0),
      unit: `µs (${calls})`,
    });
    report({
      metric: 'createChatModel / raw SDK per-call time',
      value: (providers / sdk).toFixed(3),
      unit: `ratio (goal ≤ 1.05; median of per-round ratios ${median(ratios).toFixed(3)})`,
    });
  } finally {
    await emulator.close();
  }
}
