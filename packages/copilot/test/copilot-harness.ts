// Test helpers: the real Copilot CLI from npm, started offline against the emulator.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, MODEL_ENDPOINT_KINDS } from '@bots/emulator';
import { CopilotClient, type CopilotClientOptions, RuntimeConnection } from '@github/copilot-sdk';
import { copilotCliPath } from '../src/copilot-cli.js';

/**
 * Where the CLI unpacks its JavaScript (about 235 MB) on first start: kept between runs under
 * node_modules/.cache, as build tools keep theirs, instead of once per HOME.
 */
const CLI_CACHE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.cache',
  'copilot-cli',
);

export interface StartedCopilot {
  client: CopilotClient;
  /** The CLI's HOME and working directory (temporary). */
  home: string;
  stop(): Promise<void>;
}

/**
 * Starts the real Copilot CLI (from `@github/copilot`) over stdio with an environment of its own:
 * a temporary HOME, no proxy variables, no GitHub login, offline mode (which wants a provider base
 * URL at start; each session's provider overrides it), and nothing of this process's env.
 */
export async function startCopilot(
  emulator: Emulator,
  options: Pick<CopilotClientOptions, 'requestHandler'> = {},
): Promise<StartedCopilot> {
  mkdirSync(CLI_CACHE, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'bots-copilot-test-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    COPILOT_HOME: join(home, '.copilot'),
    COPILOT_CACHE_HOME: CLI_CACHE,
    COPILOT_OFFLINE: 'true',
    COPILOT_AUTO_UPDATE: 'false',
    COPILOT_PROVIDER_BASE_URL: `${emulator.urls.azureOpenAIv1}/`,
    COPILOT_MODEL: 'gpt-4o',
    NO_COLOR: '1',
  };
  const client = new CopilotClient({
    connection: RuntimeConnection.forStdio({ path: copilotCliPath({ env: {} }), env }),
    useLoggedInUser: false,
    workingDirectory: home,
    logLevel: 'error',
    ...options,
  });
  try {
    await client.start();
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return {
    client,
    home,
    async stop() {
      const errors = await client.stop();
      rmSync(home, { recursive: true, force: true });
      if (errors.length > 0) throw errors[0];
    },
  };
}

/** The model requests in the emulator's log. */
export function modelRequests(emulator: Emulator) {
  return emulator.requests.ofKind(...MODEL_ENDPOINT_KINDS);
}

/** One line per model request: what every assertion about tokens reads. */
export function tokenSummary(emulator: Emulator) {
  return modelRequests(emulator).map((request) => ({
    path: request.path,
    status: request.status,
    scheme: request.auth.scheme,
    accepted: request.auth.accepted,
    expired: request.auth.expired ?? false,
    audience: request.auth.audience,
  }));
}

/** The env that opts into Entra ID through the emulator's App Service managed identity. */
export function managedIdentityEnv(emulator: Emulator, endpoint: string): Record<string, string> {
  return {
    AZURE_AUTH_METHOD: 'azure_ad',
    ...emulator.credentialEnv('app-service'),
    AZURE_OPENAI_ENDPOINT: endpoint,
  };
}
