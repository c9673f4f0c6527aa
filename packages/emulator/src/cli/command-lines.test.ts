import { describe, expect, it } from 'vitest';
import { AZ_DEFAULT_RESOURCE, parseAzCommandLine } from './az-command.js';
import { AZD_DEFAULT_SCOPE, parseAzdCommandLine } from './azd-command.js';
import { BinUsageError, parseBinArguments } from './bin-options.js';
import { collectEnvironment, formatExports, shellQuote } from './printed-environment.js';

describe('az command lines', () => {
  it('reads @azure/identity 4.13 command line, --name=value and several --scope values', () => {
    expect(
      parseAzCommandLine([
        'account',
        'get-access-token',
        '--output',
        'json',
        '--resource',
        'https://ai.azure.com',
        '--tenant',
        'contoso',
      ]),
    ).toEqual({
      ok: true,
      request: {
        command: 'az account get-access-token',
        audience: 'https://ai.azure.com',
        tenant: 'contoso',
      },
    });
    const scopes = parseAzCommandLine([
      'account',
      'get-access-token',
      '--scope',
      'a/.default',
      'b',
    ]);
    expect(scopes).toMatchObject({
      ok: true,
      request: { audience: 'a/.default', scopes: ['a/.default', 'b'] },
    });
    const equals = parseAzCommandLine([
      'account',
      'get-access-token',
      '-o',
      'json',
      '--subscription=My Sub',
    ]);
    expect(equals).toMatchObject({
      ok: true,
      request: { audience: AZ_DEFAULT_RESOURCE, subscription: 'My Sub' },
    });
  });

  it('refuses what az refuses, with its exit codes', () => {
    const refused = (commandLine: string[]) => {
      const parsed = parseAzCommandLine(commandLine);
      if (parsed.ok) throw new Error('expected a refusal');
      return parsed.outcome;
    };
    const base = ['account', 'get-access-token'];
    expect(refused([...base, '--output', 'xml']).stderr).toContain("invalid choice: 'xml'");
    expect(refused([...base, '--output', 'tsv'])).toMatchObject({ exitCode: 2 });
    expect(refused([...base, '--resource', 'r', '--scope', 's']).stderr).toContain(
      "can't be used together",
    );
    expect(refused([...base, '--tenant', 't', '--subscription', 's'])).toMatchObject({
      exitCode: 1,
      stderr: 'ERROR: Please specify only one of subscription and tenant, not both\n',
    });
    expect(refused([...base, '--only-show-errors=yes']).stderr).toContain('unrecognized arguments');
    expect(refused([]).exitCode).toBe(2);
    for (const commandLine of [[...base, '--bogus'], ['login'], [...base, '--resource']]) {
      expect(refused(commandLine).stderr).not.toContain('az login');
    }
  });
});

describe('azd command lines', () => {
  it('reads scopes, tenant and base64 claims; defaults the scope as azd does', () => {
    const claims = '{"access_token":{"xms_cc":{"values":["cp1"]}}}';
    expect(
      parseAzdCommandLine([
        'auth',
        'token',
        '--output',
        'json',
        '--no-prompt',
        '--scope',
        's1',
        '--scope',
        's2',
        '--tenant-id',
        't',
        '--claims',
        Buffer.from(claims).toString('base64'),
      ]),
    ).toEqual({
      ok: true,
      request: {
        command: 'azd auth token',
        audience: 's1',
        scopes: ['s1', 's2'],
        tenant: 't',
        claims,
      },
    });
    expect(parseAzdCommandLine(['auth', 'token'])).toMatchObject({
      ok: true,
      request: { scopes: [AZD_DEFAULT_SCOPE] },
    });
  });

  it('refuses unknown commands and flags with exit 1, cobra-style', () => {
    expect(parseAzdCommandLine(['up'])).toMatchObject({
      ok: false,
      outcome: {
        exitCode: 1,
        stderr: expect.stringMatching(/^ERROR: unknown command "up" for "azd"\n/),
      },
    });
    expect(parseAzdCommandLine(['auth', 'token', '--scope'])).toMatchObject({
      ok: false,
      outcome: { stderr: expect.stringMatching(/^ERROR: flag needs an argument: --scope\n/) },
    });
    expect(parseAzdCommandLine(['auth', 'token', '--output', 'table'])).toMatchObject({
      ok: false,
    });
  });
});

describe('bots-emulator flags', () => {
  it('reads every flag, in both spellings', () => {
    expect(parseBinArguments(['--port=8080', '--token-lifetime', '90', '--json'])).toEqual({
      port: 8080,
      tokenLifetimeSeconds: 90,
      json: true,
      help: false,
    });
    expect(parseBinArguments(['--authority-port', '8443']).authorityPort).toBe(8443);
    expect(parseBinArguments(['-h']).help).toBe(true);
  });

  it('refuses bad values and unknown flags, naming the flag', () => {
    const message = (commandLine: string[]) => {
      try {
        parseBinArguments(commandLine);
      } catch (error) {
        expect(error).toBeInstanceOf(BinUsageError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(message(['--port', '70000'])).toContain('--port takes a port number');
    expect(message(['--authority-port', 'x'])).toBe(
      '--authority-port takes a port number from 0 to 65535; got "x".',
    );
    expect(message(['--token-lifetime', '0'])).toContain(
      '--token-lifetime takes a positive number',
    );
    expect(message(['--token-lifetime'])).toBe(
      '--token-lifetime needs a value: --token-lifetime <seconds>.',
    );
    expect(message(['--json=yes'])).toContain('--json takes no value');
    expect(message(['--verbose'])).toContain('Unknown flag --verbose');
  });
});

describe('the printed environment', () => {
  it('quotes values for a POSIX shell and prints PATH as a prefix of the reader’s', () => {
    expect(shellQuote('http://127.0.0.1:1/msi/token')).toBe('http://127.0.0.1:1/msi/token');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
    const context = {
      emulator: { env: { IDENTITY_HEADER: 'a b' }, credentialEnv: () => ({}) },
      cliStandIns: { folder: '/tmp/x', env: { PATH: '/tmp/x:/usr/bin' } },
    } as unknown as Parameters<typeof formatExports>[0];
    const text = formatExports(context, '/usr/bin');
    expect(text).toContain("export IDENTITY_HEADER='a b'\n");
    expect(text).toContain('export PATH=/tmp/x:"$PATH"\n');
    expect(formatExports(context, '/elsewhere')).toContain('export PATH=/tmp/x:/usr/bin\n');
  });

  it('prints the alternative credentials commented out, and leaves them out of --json', () => {
    const shapes: Record<string, Record<string, string>> = {
      'client-secret': { AZURE_CLIENT_SECRET: 'the-secret', AZURE_TENANT_ID: 'tenant' },
      imds: { AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9/imds/' },
    };
    const context = {
      emulator: {
        env: { IDENTITY_HEADER: 'h' },
        credentialEnv: (shape: string) => shapes[shape] ?? {},
      },
      cliStandIns: { folder: '/tmp/x', env: { PATH: '/tmp/x:/usr/bin' } },
    } as unknown as Parameters<typeof formatExports>[0];
    const text = formatExports(context, '/usr/bin');
    expect(text).toContain('\n# export AZURE_CLIENT_SECRET=the-secret\n');
    expect(text).toContain(
      '\n# export AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.1:9/imds/\n',
    );
    expect(text).not.toMatch(/^export AZURE_CLIENT_SECRET/m);
    expect(collectEnvironment(context)).toEqual({ IDENTITY_HEADER: 'h', PATH: '/tmp/x:/usr/bin' });
  });
});
