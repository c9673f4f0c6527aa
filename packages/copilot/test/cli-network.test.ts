// The loopback guard covers this test process only; the Copilot CLI is a child process (a
// single-executable Node application that ignores NODE_OPTIONS, so the guard cannot be loaded
// into it). Here the CLI runs under strace, which records every connect/sendto/sendmsg it makes:
// over a whole keyless session, nothing may go anywhere but loopback.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useEmulator } from '@bots/emulator/testing';
import { AVAILABLE, type Availability, testWhen, unavailable } from '@bots/test-kit';
import { approveAll, CopilotClient, RuntimeConnection } from '@github/copilot-sdk';
import { afterAll, expect, it, vi } from 'vitest';
import { copilotCliPath } from '../src/copilot-cli.js';
import { copilotProvider } from '../src/copilot-provider.js';
import { createKeylessSession } from '../src/keyless-session.js';
import { managedIdentityEnv, modelRequests } from './copilot-harness.js';

/** strace on PATH, as an absolute path (the SDK spawns only an existing file). */
const strace = (process.env.PATH ?? '')
  .split(':')
  .map((folder) => join(folder, 'strace'))
  .find((candidate) => existsSync(candidate));

function straceAvailability(): Availability {
  if (strace === undefined) return unavailable('strace is not installed (apt-get install strace)');
  const probe = spawnSync(strace, ['-f', '-qq', '-e', 'trace=connect', '-o', '/dev/null', 'true']);
  if (probe.error) return unavailable('strace is not installed (apt-get install strace)');
  if (probe.status !== 0) return unavailable(`strace cannot trace here: ${String(probe.stderr)}`);
  return AVAILABLE;
}

const emulator = useEmulator({ script: () => 'pong' });
const scratch = mkdtempSync(join(tmpdir(), 'bots-copilot-strace-'));
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(scratch, { recursive: true, force: true });
});

/** The addresses of the IPv4 and IPv6 sockets a trace line names. */
function addressesIn(line: string): string[] {
  return [
    ...[...line.matchAll(/inet_addr\("([^"]+)"\)/g)].map((match) => match[1] ?? ''),
    ...[...line.matchAll(/inet_pton\(AF_INET6, "([^"]+)"/g)].map((match) => match[1] ?? ''),
  ];
}

const isLoopback = (address: string) =>
  address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';

it('reads the addresses of strace lines, IPv4 and IPv6', () => {
  expect(
    addressesIn(
      '42 connect(19, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("140.82.112.21")}, 16) = -1 EINPROGRESS',
    ),
  ).toEqual(['140.82.112.21']);
  expect(
    addressesIn(
      '42 connect(20, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
    ),
  ).toEqual(['2001:4860:4860::8888']);
  expect(
    addressesIn('42 connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1'),
  ).toEqual([]);
});

testWhen(straceAvailability())(
  'over a whole keyless session the Copilot CLI connects to nothing but loopback (strace)',
  async () => {
    for (const [name, value] of Object.entries(emulator.credentialEnv('app-service'))) {
      vi.stubEnv(name, value);
    }
    const trace = join(scratch, 'cli.trace');
    const home = join(scratch, 'home');
    const client = new CopilotClient({
      connection: RuntimeConnection.forStdio({
        path: strace ?? 'strace',
        args: ['-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-o', trace, copilotCliPath()],
        // Offline mode is left off here: what the CLI does by itself in BYOK mode is the question.
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          COPILOT_CACHE_HOME: fileURLToPath(
            new URL('../node_modules/.cache/copilot-cli', import.meta.url),
          ),
        },
      }),
      useLoggedInUser: false,
      workingDirectory: scratch,
      logLevel: 'error',
    });
    await client.start();
    try {
      const provider = await copilotProvider('azure-openai/gpt-4o', {
        env: managedIdentityEnv(emulator.emulator, emulator.urls.azureOpenAIv1),
        wireApi: 'responses',
      });
      const session = await createKeylessSession(client, {
        model: 'gpt-4o',
        provider,
        onPermissionRequest: approveAll,
      });
      expect((await session.sendAndWait({ prompt: 'one' }))?.data.content).toBe('pong');
      expect((await session.sendAndWait({ prompt: 'two' }))?.data.content).toBe('pong');
      await session.disconnect();
    } finally {
      await client.stop();
    }
    expect(modelRequests(emulator.emulator)).toHaveLength(2);

    const lines = readFileSync(trace, 'utf8').split('\n');
    const addresses = lines.flatMap(addressesIn);
    const port = new URL(emulator.url).port;
    // The trace saw the model requests (so it traced the CLI at all) ...
    expect(lines.some((line) => line.includes(`htons(${port})`))).toBe(true);
    // ... and nothing but loopback: no telemetry, no update check, no DNS lookup.
    expect(addresses.filter((address) => !isLoopback(address))).toEqual([]);
  },
  120_000,
);
