import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { useEmulator } from '@bots/emulator/testing';
import { dockerAvailability, testWhen } from '@bots/test-kit';
import { describe, expect, onTestFinished, test } from 'vitest';
import { BIN, cleanEnv, runCli } from './helpers.js';

const docker = await dockerAvailability();
const emulator = useEmulator();

/**
 * The order in which the installed `@azure/identity` builds DefaultAzureCredential, read from its
 * own source (the production credentials, then the developer ones), independently of how the CLI
 * finds it.
 */
function installedChainOrder(): string[] {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@azure/identity');
  const source = readFileSync(
    join(dirname(entry), 'credentials', 'defaultAzureCredential.js'),
    'utf8',
  );
  const list = (name: string) =>
    [
      ...(new RegExp(`${name}\\s*=\\s*\\[([^\\]]*)\\]`).exec(source)?.[1] ?? '').matchAll(
        /createDefault(\w+)/g,
      ),
    ].map((match) => (match[1] as string).toLowerCase());
  expect(source).toMatch(/\[\.\.\.prodCredentialFunctions, \.\.\.devCredentialFunctions\]/);
  // lower case: the factory createDefaultAzurePowershellCredential makes AzurePowerShellCredential
  return [...list('prodCredentialFunctions'), ...list('devCredentialFunctions')];
}

/** A PATH with `sh` and an `az` that says "az login" (as a logged-out Azure CLI does), nothing else. */
function loggedOutPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'bots-doctor-path-'));
  onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  writeFileSync(
    join(bin, 'az'),
    '#!/bin/sh\necho "ERROR: Please run \'az login\' to setup account." >&2\nexit 1\n',
  );
  chmodSync(join(bin, 'az'), 0o755);
  return bin;
}

/** Lines `  N. Name: ...` of a section of doctor's output. */
function numbered(lines: string): { name: string; text: string }[] {
  return [...lines.matchAll(/^ {14}\d+\. (\w+): (.*)$/gm)].map((match) => ({
    name: match[1] as string,
    text: match[2] as string,
  }));
}

describe('bots doctor with AZURE_AUTH_METHOD=azure_ad', () => {
  test("lists the chain in the installed @azure/identity's order and, when no token comes, each credential's own reason", async () => {
    const wrongHeader = 'wrong-identity-header-0123456789';
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        ...emulator.env,
        IDENTITY_HEADER: wrongHeader, // the emulator refuses it: managed identity fails for real
        AZURE_AUTH_METHOD: 'azure_ad',
        PATH: loggedOutPath(),
      }),
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const [auth, token] = run.stdout.split(/\n(?=!! token)/) as [string, string];
    const order = installedChainOrder();
    expect(order).toContain('visualstudiocodecredential');
    expect(order).toContain('azurepowershellcredential');
    expect(numbered(auth).map((link) => link.name.toLowerCase())).toEqual(order);
    expect(auth).toContain(
      `3. ManagedIdentityCredential: App Service endpoint IDENTITY_ENDPOINT=${emulator.env.IDENTITY_ENDPOINT} (IDENTITY_HEADER set), system-assigned`,
    );
    expect(auth).toContain('AzureCliCredential: az on PATH (az login)');
    expect(auth).toContain('AzurePowerShellCredential: PowerShell not installed');

    expect(token).toMatch(
      /^!! token {4}no token for scope https:\/\/cognitiveservices\.azure\.com\/\.default after \d+ ms: ChainedTokenCredential authentication failed\.\n {12}each credential of the chain said:\n/,
    );
    const reasons = new Map(numbered(token).map((link) => [link.name, link.text]));
    expect([...reasons.keys()].map((name) => name.toLowerCase())).toEqual(order);
    expect(reasons.get('EnvironmentCredential')).toMatch(/EnvironmentCredential is unavailable/);
    expect(reasons.get('ManagedIdentityCredential')).toMatch(
      /X-IDENTITY-HEADER header does not match/,
    );
    expect(reasons.get('AzureCliCredential')).toMatch(/Please run 'az login'/);
    expect(reasons.get('AzurePowerShellCredential')).toMatch(/Unable to execute PowerShell/);
    expect(reasons.get('AzureDeveloperCliCredential')).toMatch(
      /Azure Developer CLI couldn't be found/,
    );
    expect(run.stdout + run.stderr).not.toContain(wrongHeader);
  });

  test('follows AZURE_TOKEN_CREDENTIALS: the chain it prints is the one the credential really has', async () => {
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        ...emulator.env,
        AZURE_AUTH_METHOD: 'azure_ad',
        AZURE_TOKEN_CREDENTIALS: 'dev',
        PATH: loggedOutPath(),
      }),
    });
    const auth = run.stdout.split(/\n(?=!! token|ok token)/)[0] ?? '';
    expect(auth).toContain('AZURE_TOKEN_CREDENTIALS=dev narrows the chain');
    const names = numbered(auth).map((link) => link.name.toLowerCase());
    expect(names).toEqual(
      installedChainOrder().filter((name) => !/environment|workload|managed/.test(name)),
    );
    expect(names).not.toContain('managedidentitycredential');
  });
});

describe('bots doctor: endpoint reachability names the cause and host:port', () => {
  test('a refused port: nothing listens on 127.0.0.1:<port> (ECONNREFUSED)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        AZURE_OPENAI_ENDPOINT: `http://127.0.0.1:${port}`,
        AZURE_OPENAI_API_VERSION: '2024-10-21',
        AZURE_OPENAI_API_KEY: 'fake0key0for0the0refused0port0test',
      }),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `!! endpoint http://127.0.0.1:${port} NOT reachable: nothing listens on 127.0.0.1:${port} (ECONNREFUSED): check the port, or start the server`,
    );
  });

  test('a port fetch refuses ("bad port")', async () => {
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        AZURE_OPENAI_ENDPOINT: 'http://127.0.0.1:6000',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
        AZURE_OPENAI_API_KEY: 'fake0key0for0the0bad0port0test',
      }),
    });
    expect(run.stdout).toContain('port 6000 is one that fetch refuses to connect to ("bad port")');
  });

  const unshare = spawnSync('unshare', ['-rn', 'true']).status === 0;
  test.skipIf(!unshare)(
    `a host name that does not resolve, in a network namespace with loopback only (no DNS query leaves the machine)${unshare ? '' : ' (skipped: unshare -rn is not permitted here)'}`,
    () => {
      // Inside `unshare -rn` nothing but loopback exists: no packet can leave, and a lookup fails
      // for real, at once.
      const probe = spawnSync(
        'unshare',
        [
          '-rn',
          process.execPath,
          '-e',
          "require('net').connect(53, '10.255.255.53').on('error', (e) => console.log(e.code))",
        ],
        { encoding: 'utf8' },
      );
      expect(probe.stdout.trim()).toBe('ENETUNREACH');
      const env = cleanEnv({
        AZURE_OPENAI_ENDPOINT: 'https://no-such-resource.openai.azure.com',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
        AZURE_OPENAI_API_KEY: 'fake0key0for0the0dns0test0123456',
      });
      env.NODE_OPTIONS = process.env.NODE_OPTIONS ?? ''; // the namespace is the guard here
      const run = spawnSync(
        'unshare',
        ['-rn', process.execPath, BIN, 'doctor', '--model', 'azure-openai/gpt-4o'],
        {
          env,
          encoding: 'utf8',
        },
      );
      expect(run.status, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toContain(
        '!! endpoint https://no-such-resource.openai.azure.com NOT reachable: the host name no-such-resource.openai.azure.com could not be resolved: no answer from DNS (EAI_AGAIN)',
      );
    },
  );
});

describe('bots doctor: which browser bots browse would use, and why', () => {
  test("no Docker engine: this host's Chromium, saying that no engine answers", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bots-doctor-chromium-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const chromium = join(folder, 'chromium');
    writeFileSync(chromium, '#!/bin/sh\n');
    chmodSync(chromium, 0o755);
    const run = await runCli(['doctor'], {
      env: cleanEnv({ DOCKER_HOST: 'unix:///nonexistent/docker.sock', CHROMIUM_PATH: chromium }),
    });
    expect(run.stdout).toMatch(
      new RegExp(
        `\\nok browser  local: this host's Chromium at ${chromium}, no container \\(no Docker engine answers at unix:///nonexistent/docker\\.sock \\(ENOENT\\)\\)\\n`,
      ),
    );
  });

  test('neither Docker nor Chromium: none, and what to install', async () => {
    const run = await runCli(['doctor'], {
      env: cleanEnv({
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
        CHROMIUM_PATH: '/nonexistent/chromium',
      }),
    });
    expect(run.stdout).toMatch(
      /\n-- browser {2}none: No browser to run: no Docker engine answers at .*, and no Chromium at \/nonexistent\/chromium\. To fix it, .*install Chromium/,
    );
  });

  testWhen(docker)(`a Docker engine: the browser image, and whether it is built`, async () => {
    const run = await runCli(['doctor']);
    expect(run.stdout).toMatch(
      /\nok browser {2}docker: the browser image bots-browser:[0-9a-f]{12} (is built|is not built yet \(bots browse --build-image, or it is built on first use\))\n/,
    );
  });
});

describe('bots doctor prints the connection resolveConnection decided', () => {
  test('the emulator with azure_ad: provider, endpoint, api-version, wire API, auth, scope; --json has it as data; never a secret', async () => {
    const env = cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' });
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], { env });
    expect(run.stdout).toContain(
      `connection: provider azure-openai, endpoint ${emulator.env.AZURE_OPENAI_ENDPOINT?.replace(/\/+$/, '')}, api deployments, api-version ${emulator.env.AZURE_OPENAI_API_VERSION}, wire API completions, auth token, scope https://cognitiveservices.azure.com/.default`,
    );
    const json = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini', '--json'], { env });
    const report = JSON.parse(json.stdout) as {
      checks: { name: string; connection?: Record<string, unknown> }[];
    };
    expect(report.checks.find((check) => check.name === 'model')?.connection).toEqual({
      provider: 'azure-openai',
      model: 'gpt-4o-mini',
      endpoint: emulator.env.AZURE_OPENAI_ENDPOINT?.replace(/\/+$/, ''),
      client: '`AzureOpenAI({ azureADTokenProvider, endpoint, apiVersion, deployment })`',
      auth: 'token',
      api: 'deployments',
      apiVersion: emulator.env.AZURE_OPENAI_API_VERSION,
      wireApi: 'completions',
      scope: 'https://cognitiveservices.azure.com/.default',
    });
    expect(run.stdout + json.stdout).not.toContain('eyJ');
  });

  test('a key: the variable it came from, never the key', async () => {
    const key = 'doctor0connection0key0SECRET';
    const run = await runCli(['doctor', '--model', 'openai/gpt-4.1', '--json'], {
      env: cleanEnv({ OPENAI_API_KEY: key, OPENAI_ENDPOINT: 'http://127.0.0.1:9/v1' }),
    });
    const report = JSON.parse(run.stdout) as {
      checks: { name: string; connection?: Record<string, unknown> }[];
    };
    expect(report.checks.find((check) => check.name === 'model')?.connection).toMatchObject({
      provider: 'openai',
      endpoint: 'http://127.0.0.1:9/v1',
      auth: 'key',
      keyFrom: 'OPENAI_API_KEY',
    });
    expect(run.stdout + run.stderr).not.toContain(key);
  });
});
