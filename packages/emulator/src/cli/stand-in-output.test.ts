import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../start-emulator.js';
import { useEmulator } from '../testing/use-emulator.js';
import { DEFAULT_SUBSCRIPTION_ID } from './cli-endpoint.js';

// The stand-ins run as executables, as /bin/sh runs them for @azure/identity (asynchronously:
// the emulator answering them lives in this process).
const emulator = useEmulator();
afterEach(() => {
  emulator.setCliLogin({ az: true, azd: true });
  emulator.requests.clear();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWith(path: string, tool: string, commandLine: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(tool, commandLine, { env: { PATH: path }, cwd: '/bin' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function run(tool: 'az' | 'azd', ...commandLine: string[]): Promise<Run> {
  return runWith(emulator.writeCliStandIns().env.PATH, tool, commandLine);
}

const AZ = ['account', 'get-access-token', '--output', 'json'];
const AZD = ['auth', 'token', '--output', 'json', '--no-prompt'];

describe('az account get-access-token', () => {
  it('prints the real shape: sorted keys, expires_on epoch seconds, expiresOn local time', async () => {
    const result = await run('az', ...AZ, '--resource', 'https://cognitiveservices.azure.com');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(result.stdout);
    expect(Object.keys(body)).toEqual([
      'accessToken',
      'expiresOn',
      'expires_on',
      'subscription',
      'tenant',
      'tokenType',
    ]);
    expect(result.stdout).toMatch(/^\{\n {2}"accessToken": "/);
    expect(body.expires_on).toBeTypeOf('number');
    expect(body.expiresOn).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/);
    const local = new Date(body.expires_on * 1000);
    expect(body.expiresOn.slice(11, 19)).toBe(local.toTimeString().slice(0, 8));
    expect(body).toMatchObject({ subscription: DEFAULT_SUBSCRIPTION_ID, tokenType: 'Bearer' });
    expect(emulator.verifyToken(body.accessToken)).toMatchObject({ valid: true });
    expect(emulator.verifyToken(body.accessToken).claims?.tid).toBe(body.tenant);
  });

  it('with --tenant prints that tenant and no subscription; a named subscription gets an id', async () => {
    const tenant = '11111111-2222-4333-8444-555555555555';
    const withTenant = JSON.parse(
      (await run('az', ...AZ, '--resource', 'https://x', '--tenant', tenant)).stdout,
    );
    expect(withTenant.tenant).toBe(tenant);
    expect('subscription' in withTenant).toBe(false);
    const named = JSON.parse(
      (await run('az', ...AZ, '--resource', 'https://x', '--subscription', 'My Sub')).stdout,
    );
    expect(named.subscription).toMatch(/^[0-9a-f-]{36}$/);
    expect(named.subscription).not.toBe(DEFAULT_SUBSCRIPTION_ID);
    expect(emulator.requests.last('identity')?.body).toMatchObject({ subscription: 'My Sub' });
  });

  it('refuses unknown arguments and commands with exit 2, as argparse does', async () => {
    const unknown = await run('az', ...AZ, '--resource', 'https://x', '--frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^ERROR: unrecognized arguments: --frobnicate\n/);
    const missing = await run('az', ...AZ, '--resource');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toMatch(/^ERROR: argument --resource: expected one argument/);
    const other = await run('az', 'group', 'list');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^ERROR: 'group' is misspelled or not recognized by the system\./);
    expect(emulator.requests.ofKind('identity').every((entry) => entry.status === 400)).toBe(true);
    expect(emulator.requests.ofKind('identity').some((entry) => entry.issuedToken)).toBe(false);
  });

  it('signed out: exit 1 and the message whose "az login" @azure/identity looks for', async () => {
    emulator.setCliLogin({ az: false });
    expect(await run('az', ...AZ, '--resource', 'https://x')).toEqual({
      code: 1,
      stdout: '',
      stderr: "ERROR: Please run 'az login' to setup account.\n",
    });
    expect(() => emulator.setCliLogin({ az: 'no' as unknown as boolean })).toThrow(/true or false/);
  });
});

describe('azd auth token', () => {
  it('prints { token, expiresOn } with expiresOn RFC 3339 in UTC', async () => {
    const result = await run('azd', ...AZD, '--scope', 'https://ai.azure.com/.default');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(result.stdout);
    expect(Object.keys(body)).toEqual(['token', 'expiresOn']);
    expect(body.expiresOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const verification = emulator.verifyToken(body.token);
    expect(verification.claims?.aud).toBe('https://ai.azure.com');
    expect(Date.parse(body.expiresOn)).toBe(verification.claims!.exp! * 1000);
  });

  it('refuses an unknown flag or a bad --claims, naming it; signed out says azd auth login', async () => {
    const unknown = await run('azd', ...AZD, '--frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^ERROR: unknown flag: --frobnicate\n/);
    const claims = await run('azd', ...AZD, '--claims', 'not base64!');
    expect(claims.code).toBe(1);
    expect(claims.stderr).toContain('--claims');
    emulator.setCliLogin({ azd: false });
    const out = await run('azd', ...AZD, '--scope', 'https://ai.azure.com/.default');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('not logged in, run `azd auth login` to login');
  });
});

describe('the executables', () => {
  it('are mode 0755 with the absolute Node path on their #! line', () => {
    const { folder } = emulator.writeCliStandIns();
    for (const tool of ['az', 'azd']) {
      const file = join(folder, tool);
      expect(statSync(file).mode & 0o777).toBe(0o755);
    }
    expect(readFileSync(join(folder, 'az'), 'utf8').split('\n')[0]).toBe(`#!${process.execPath}`);
  });

  it('fail as a tool does when Entra fails: an injected identity fault gives exit 1', async () => {
    emulator.inject({ status: 500 }, { kinds: ['identity'] });
    const result = await run('azd', ...AZD, '--scope', 'https://ai.azure.com/.default');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ERROR: the @bots\/emulator answered 500: /);
    expect(emulator.requests.last('identity')).toMatchObject({
      status: 500,
      fault: { status: 500 },
    });
    expect((await run('azd', ...AZD)).code).toBe(0); // the fault was used up
  });

  it('cannot be written by a closed emulator', async () => {
    const closed = await startEmulator();
    await closed.close();
    expect(() => closed.writeCliStandIns()).toThrow(/this emulator is closed/);
  });

  it('say the emulator is gone when it is (exit 1, no "az login" in the text)', async () => {
    const gone = await startEmulator();
    const text = readFileSync(join(gone.writeCliStandIns().folder, 'az'), 'utf8');
    await gone.close();
    const scratch = mkdtempSync(join(tmpdir(), 'stand-in-gone-'));
    try {
      writeFileSync(join(scratch, 'az'), text, { mode: 0o755 });
      const result = await runWith(scratch, 'az', [...AZ, '--resource', 'https://x']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('did not answer (ECONNREFUSED)');
      expect(result.stderr).not.toContain('az login');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
