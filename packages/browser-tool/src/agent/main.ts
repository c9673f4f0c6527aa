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
import { redact, registerSecret } from '@bots/auth';
import { type ChatModel, createChatModel } from '@bots/providers';
import { runBrowserAgent } from './browser-agent.js';
import { containerTokenProvider } from './container-token-provider.js';
import { MODEL_SOCKET, PROXY_SOCKET } from './host-channel-protocol.js';
import { hostChatModel } from './host-model.js';
import { type SocketRelay, startSocketRelay } from './socket-relay.js';

const env = process.env;
const pick = (...names: string[]) =>
  names.map((name) => env[name]).find((value) => value) ?? undefined;

/** The model of the compatible mode: from the env, with the token or key the env holds. */
async function modelFromEnv(): Promise<ChatModel> {
  const endpoint = pick('AZURE_OPENAI_ENDPOINT', 'OPEN_AI_END_POINT');
  const apiVersion = pick('AZURE_OPENAI_API_VERSION', 'OPEN_AI_API_VERSION', 'OPENAI_API_VERSION');
  const deployment = pick('AZURE_OPENAI_DEPLOYMENT_NAME', 'OPEN_AI_DEPLOYMENT_NAME') ?? 'gpt-4o';
  const token = env['AZURE_OPENAI_AD_TOKEN'];
  const apiKey = pick('AZURE_OPENAI_API_KEY', 'OPEN_AI_KEY');
  registerSecret(token);
  registerSecret(apiKey);
  const secret = env['BOTS_TOKEN_SECRET'];
  registerSecret(secret);
  // Chromium inherits this process's environment: it gets none of the credentials.
  for (const name of [
    'AZURE_OPENAI_AD_TOKEN',
    'AZURE_OPENAI_API_KEY',
    'OPEN_AI_KEY',
    'BOTS_TOKEN_SECRET',
  ])
    delete env[name];
  const tokenProvider =
    token || env['BOTS_TOKEN_ENDPOINT']
      ? containerTokenProvider({
          initialToken: token,
          endpoint: env['BOTS_TOKEN_ENDPOINT'],
          secret,
        })
      : undefined;
  const modelEnv: Record<string, string> = {};
  if (endpoint) modelEnv['AZURE_OPENAI_ENDPOINT'] = endpoint;
  if (apiVersion) modelEnv['AZURE_OPENAI_API_VERSION'] = apiVersion;
  if (!tokenProvider && apiKey) modelEnv['AZURE_OPENAI_API_KEY'] = apiKey;
  return createChatModel(`azure-openai/${deployment}`, {
    env: modelEnv,
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
      model = hostChatModel({ socketPath: join(channel, MODEL_SOCKET), model: env['BOTS_MODEL'] });
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
  return outcome.status === 'success' ? 0 : outcome.error?.name === 'ConfigurationError' ? 2 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(
      `Final Error: BrowserAgentError: ${redact(String((error as Error)?.message ?? error))}\n`,
    );
    process.exit(1);
  },
);
