import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Emulator, startEmulator } from '@bots/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each package is consumable alone: @bots/auth and @bots/providers are packed as they would be
// published, installed with npm into a scratch project, and used there against the emulator.
const packagesDir = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'bots-pack-'));
let emulator: Emulator;

// The newest @azure/* core packages declare Node >= 22; pin them as the workspace does.
const azureNode20Pins = {
  '@azure/core-tracing': '1.3.1',
  '@typespec/ts-http-runtime': '0.3.6',
  '@azure/logger': '1.3.0',
  '@azure/abort-controller': '2.1.2',
  '@azure/core-util': '1.13.1',
  '@azure/core-client': '1.10.2',
  '@azure/core-auth': '1.10.1',
  '@azure/core-rest-pipeline': '1.24.0',
};

const esmScript = `
import { tokenProviderFromEnv } from '@bots/auth';
import { createChatModel } from '@bots/providers';
import { AzureOpenAI } from 'openai';

const model = await createChatModel('azure-openai/gpt-packed');
const viaProviders = await model.complete({ messages: [{ role: 'user', content: 'first' }] });

const azureADTokenProvider = await tokenProviderFromEnv({ provider: 'azure-openai' });
const client = new AzureOpenAI({
  azureADTokenProvider,
  endpoint: process.env.AZURE_OPENAI_ENDPOINT,
  apiVersion: process.env.AZURE_OPENAI_API_VERSION,
  deployment: 'gpt-raw',
});
const completion = await client.chat.completions.create({
  model: 'gpt-raw',
  messages: [{ role: 'user', content: 'second' }],
});
console.log(JSON.stringify({ viaProviders: viaProviders.text, viaOpenAI: completion.choices[0].message.content }));
`;

const cjsScript = `
const auth = require('@bots/auth');
const providers = require('@bots/providers');
console.log(JSON.stringify({
  scope: auth.COGNITIVE_SERVICES_SCOPE,
  parsed: providers.parseModel('anthropic/claude'),
  azureLoaded: Object.keys(require.cache).some((path) => path.includes('@azure')),
}));
`;

beforeAll(async () => {
  emulator = await startEmulator({
    script: (request) => `reply to ${request.messages.at(-1)?.content}`,
  });
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  for (const name of ['auth', 'providers']) {
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(packagesDir, name),
      stdio: 'ignore',
    });
  }
  const files = readdirSync(tarballs);
  const tarball = (name: string) => `file:./tarballs/${files.find((file) => file.includes(name))}`;
  const project = join(scratch, 'project');
  mkdirSync(project);
  execFileSync('mv', [tarballs, join(project, 'tarballs')]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'scratch',
      private: true,
      type: 'module',
      dependencies: {
        '@bots/auth': tarball('auth'),
        '@bots/providers': tarball('providers'),
        '@azure/identity': '4.13.0',
        openai: '^6.49.0',
      },
      overrides: azureNode20Pins,
    }),
  );
  writeFileSync(join(project, 'call.mjs'), esmScript);
  writeFileSync(join(project, 'require.cjs'), cjsScript);
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: project,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}, 300_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Asynchronous: the emulator runs in this process and must keep answering.
async function runInProject(file: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    cwd: join(scratch, 'project'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return stdout;
}

describe('packed @bots/auth and @bots/providers installed with npm', () => {
  it('get a token through AZURE_AUTH_METHOD=azure_ad and call the model, through providers and through the raw openai client', async () => {
    const output = await runInProject('call.mjs', {
      ...emulator.env,
      AZURE_AUTH_METHOD: 'azure_ad',
    });
    expect(JSON.parse(output)).toEqual({
      viaProviders: 'reply to first',
      viaOpenAI: 'reply to second',
    });

    const calls = emulator.requests.ofKind('azure-openai');
    expect(calls.map((request) => request.path)).toEqual([
      '/openai/deployments/gpt-packed/chat/completions',
      '/openai/deployments/gpt-raw/chat/completions',
    ]);
    for (const call of calls) {
      expect(call.auth).toMatchObject({
        scheme: 'bearer',
        audience: 'https://cognitiveservices.azure.com',
        accepted: true,
      });
    }
    expect(emulator.requests.ofKind('identity').length).toBeGreaterThanOrEqual(1);
  });

  it('load from CommonJS without loading @azure/identity', async () => {
    expect(JSON.parse(await runInProject('require.cjs', {}))).toEqual({
      scope: 'https://cognitiveservices.azure.com/.default',
      parsed: { provider: 'anthropic', name: 'claude' },
      azureLoaded: false,
    });
  });
});
