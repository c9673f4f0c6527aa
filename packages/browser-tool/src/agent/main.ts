/**
 * The browser agent's entrypoint inside the image: `node /opt/bots-browser/browser-agent.mjs
 * "<task>"` (or the task in `BROWSER_TASK`). Two modes:
 * - with `BOTS_HOST_CHANNEL` (how `runBrowserTask` starts it): no network, no credential; model
 *   calls go to the host's model server and Chromium's requests to the host's network guard,
 *   both over the channel folder's unix sockets;
 * - without it (the image run by hand, the compatible mode): model settings from the env, the
 *   credential from `AZURE_OPENAI_AD_TOKEN` (refreshed through `BOTS_TOKEN_ENDPOINT` when given)
 *   or `AZURE_OPENAI_API_KEY`, and a network guard of its own with `BROWSER_ALLOW_HOSTS`.
 * Prints step lines and `Final Result: <answer>` last; exit code 0 on success, 1 when the task
 * failed, 2 on a configuration error.
 */
import { join } from 'node:path';
import { errorKindOf, redact, registerSecret } from '@bots/auth';
import {
  type ChatModel,
  createChatModel,
  DEFAULT_PROVIDER,
  environmentVariables,
  modelStringFromEnv,
  providerNamed,
  readEnvSetting,
} from '@bots/providers';
import { BrowserError } from '../browser-error.js';
import { runBrowserAgent } from './browser-agent.js';
import { containerTokenProvider } from './container-token-provider.js';
import { MODEL_SOCKET, PROXY_SOCKET } from './host-channel-protocol.js';
import { hostChatModel } from './host-model.js';
import { type SocketRelay, startSocketRelay } from './socket-relay.js';

const env = process.env;
const pick = (...names: string[]) =>
  names.map((name) => env[name]).find((value) => value) ?? undefined;

/** The variables that hold keys, as `@bots/providers` lists them. */
const KEY_VARIABLES = environmentVariables
  .filter((variable) => variable.secret)
  .map((variable) => variable.name);

/**
 * The model of the compatible mode: settings from the env, read by `@bots/providers` (its names
 * and precedence: `OPEN_AI_*` before `AZURE_OPENAI_*`), with the token or key the env holds. The
 * model is the default provider's deployment of the env, else `gpt-4o`.
 */
async function modelFromEnv(): Promise<ChatModel> {
  const settings: Record<string, string | undefined> = { ...env };
  const token = env['AZURE_OPENAI_AD_TOKEN'];
  const secret = env['BOTS_TOKEN_SECRET'];
  for (const name of KEY_VARIABLES) registerSecret(env[name]);
  registerSecret(token);
  registerSecret(secret);
  // Chromium inherits this process's environment: it gets none of the credentials.
  for (const name of ['AZURE_OPENAI_AD_TOKEN', 'BOTS_TOKEN_SECRET', ...KEY_VARIABLES])
    delete env[name];
  const tokenProvider =
    token || env['BOTS_TOKEN_ENDPOINT']
      ? containerTokenProvider({
          initialToken: token,
          endpoint: env['BOTS_TOKEN_ENDPOINT'],
          secret,
        })
      : undefined;
  const modelString = readEnvSetting(settings, providerNamed(DEFAULT_PROVIDER).defaultNameVariables)
    ? modelStringFromEnv(DEFAULT_PROVIDER, settings)
    : `${DEFAULT_PROVIDER}/gpt-4o`;
  return createChatModel(modelString, {
    env: settings,
    ...(tokenProvider ? { tokenProvider } : {}),
  });
}

async function main(): Promise<number> {
  const task = process.argv.slice(2).join(' ').trim() || env['BROWSER_TASK']?.trim();
  if (!task) {
    process.stderr.write('Usage: browser-agent "<task>" (or BROWSER_TASK=...)\n');
    return 2;
  }
  const temperatureText = pick('AZURE_OPENAI_TEMPERATURE', 'BROWSER_AGENT_TEMPERATURE');
  const temperature = temperatureText === undefined ? undefined : Number(temperatureText);
  const channel = env['BOTS_HOST_CHANNEL'];
  let model: ChatModel;
  let relay: SocketRelay | undefined;
  try {
    if (channel) {
      model = hostChatModel({
        socketPath: join(channel, MODEL_SOCKET),
        model: env['BOTS_MODEL'],
        connection: env['BOTS_CONNECTION'],
      });
      relay = await startSocketRelay(join(channel, PROXY_SOCKET));
    } else model = await modelFromEnv();
  } catch (error) {
    process.stdout.write(
      `Final Error: ConfigurationError: ${redact(String((error as Error).message))}\n`,
    );
    return 2;
  }
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => controller.abort(new Error(`Stopped by ${signal}.`)));
  const maxSteps = Number(env['BROWSER_MAX_STEPS'] ?? '') || undefined;
  const outcome = await runBrowserAgent({
    task,
    model,
    emit: (line) => process.stdout.write(`${line}\n`),
    executablePath: env['CHROMIUM_PATH'] || '/usr/bin/chromium',
    ...(relay
      ? { proxyServer: relay.url }
      : {
          allowHosts: (env['BROWSER_ALLOW_HOSTS'] ?? '')
            .split(',')
            .map((host) => host.trim())
            .filter(Boolean),
        }),
    signal: controller.signal,
    ...(maxSteps ? { maxSteps } : {}),
    ...(temperature === undefined || Number.isNaN(temperature) ? {} : { temperature }),
  });
  await relay?.close();
  if (outcome.status === 'success') return 0;
  return outcome.error && errorKindOf(outcome.error) === 'configuration' ? 2 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(
      `Final Error: ${BrowserError.name}: ${redact(String((error as Error)?.message ?? error))}\n`,
    );
    process.exit(1);
  },
);
