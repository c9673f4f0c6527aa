import { describe, expect, test } from 'vitest';
import { cleanEnv, runCli, SAMPLE } from './helpers.js';

/** Fake secrets in the child's env: no message may echo them, even when they are typed as a value. */
const SECRETS = {
  AZURE_OPENAI_API_KEY: 'fake0azure0key0for0usage0tests0123',
  OPENAI_API_KEY: 'sk-FAKE0openai0key0for0usage0tests',
  ANTHROPIC_API_KEY: 'sk-ant-FAKE0anthropic0key0usage0tests',
  AZURE_CLIENT_SECRET: 'FAKE~client~secret~for~usage~tests',
};
const envWithSecrets = () => cleanEnv(SECRETS);

type Case = [name: string, args: string[], message: RegExp, env?: NodeJS.ProcessEnv];

/**
 * Each: exit 2 before anything starts, stderr names the flag or argument and the fix, no stack
 * trace, nothing on stdout, no secret.
 */
const cases: Case[] = [
  // no command, unknown command
  ['no command', [], /no command given/],
  ['an unknown command', ['frobnicate'], /unknown command "frobnicate"\. Commands: run, read/],
  ['a mistyped command', ['raed', SAMPLE, 'q'], /unknown command "raed"\. Did you mean read\?/],
  // run
  [
    'run without a task',
    ['run', '--model', 'openai/gpt-4o'],
    /run: missing "<task>"\. Usage: bots run "<task>" \[options\]/,
  ],
  [
    'run --timeout 0',
    ['run', 'x', '--timeout', '0'],
    /run: --timeout must be a positive number of seconds, at most 2147483\.647, but got 0\. Pass a number of seconds such as --timeout 1800/,
  ],
  [
    'run --timeout -5',
    ['run', 'x', '--timeout', '-5'],
    /--timeout must be a positive number of seconds.*but got -5\./,
  ],
  [
    'run --timeout 3000000 (above what a timer can wait)',
    ['run', 'x', '--timeout', '3000000'],
    /--timeout must be a positive number of seconds, at most 2147483\.647, but got 3000000\./,
  ],
  [
    'run --timeout 1e20',
    ['run', 'x', '--timeout', '1e20'],
    /--timeout must be .*but got 100000000000000000000\./,
  ],
  [
    'run --timeout abc',
    ['run', 'x', '--timeout', 'abc'],
    /--timeout must be a positive number of seconds.*but got "abc"\./,
  ],
  ['run --timeout NaN', ['run', 'x', '--timeout', 'NaN'], /--timeout must be .*but got "NaN"\./],
  [
    'run --request-timeout 0',
    ['run', 'x', '--request-timeout', '0'],
    /--request-timeout must be a positive number of seconds.*Pass a number of seconds such as --request-timeout 300/,
  ],
  [
    'run --max-iterations 0',
    ['run', 'x', '--max-iterations', '0'],
    /--max-iterations must be an integer of at least 1, but got 0\. Pass a whole number/,
  ],
  [
    'run --max-iterations 1.5',
    ['run', 'x', '--max-iterations', '1.5'],
    /--max-iterations must be an integer of at least 1, but got 1\.5\./,
  ],
  [
    'run --sandbox nope',
    ['run', 'x', '--model', 'openai/gpt-4o', '--sandbox', 'nope'],
    /--sandbox must be one of "docker", "local", but got "nope"\. Leave it out/,
  ],
  [
    'run --writable without --mount',
    ['run', 'x', '--writable'],
    /--writable makes the --mount folders read-write, but no --mount was given\. Add --mount <dir>/,
  ],
  [
    'run --mount of a missing folder',
    ['run', 'x', '--mount', '/no/such/folder'],
    /run: no such folder: \/no\/such\/folder\. Give the path of an existing folder\./,
  ],
  [
    'run --model without a value',
    ['run', 'x', '--model'],
    /run: --model needs a value: --model <provider\/name>/,
  ],
  ['run --json=yes', ['run', 'x', '--json=yes'], /run: --json takes no value; write just --json\./],
  [
    'run with a mistyped option',
    ['run', 'x', '--timout', '5'],
    /run: unknown option --timout\. Did you mean --timeout\? The options of bots run are: --mount, --writable, --boss, --model/,
  ],
  [
    'a bad model string',
    ['run', 'list files', '--model', 'nonsense'],
    /--model: Invalid model string: "nonsense".*azure-openai\/<deployment>/,
  ],
  [
    'an unknown provider',
    ['run', 'list files', '--model', 'bedrock/claude'],
    /--model: .*azure-openai\/<deployment>/,
  ],
  ['no model at all', ['run', 'list files'], /No model given.*--model/],
  // read
  [
    'read without a question',
    ['read', SAMPLE],
    /read: missing "<question>"\. Usage: bots read <dir> "<question>"/,
  ],
  [
    'read with an unknown option',
    ['read', SAMPLE, 'q', '--frob'],
    /read: unknown option --frob\. The options of bots read are: --model, --sandbox, --max-iterations, --timeout, --request-timeout, --command-timeout, --json, --help\./,
  ],
  [
    'read of a missing folder',
    ['read', '/no/such/folder', 'q', '--model', 'openai/gpt-4o'],
    /read: no such folder: \/no\/such\/folder\./,
  ],
  [
    'read with an extra argument',
    ['read', SAMPLE, 'which', 'port'],
    /read: unexpected argument "port"\. Quote a task or question that has spaces\./,
  ],
  ['read with an empty question', ['read', SAMPLE, '  '], /read: "<question>" is empty\./],
  ['read --timeout 1e20', ['read', SAMPLE, 'q', '--timeout', '1e20'], /read: --timeout must be/],
  // write
  [
    'write on a file',
    ['write', `${SAMPLE}/README.md`, 'edit it'],
    /write: .*README\.md is a file, not a folder\. Give the folder it is in\./,
  ],
  [
    'write --request-timeout 1e9',
    ['write', SAMPLE, 't', '--request-timeout', '1e9'],
    /write: --request-timeout must be a positive number of seconds, at most 2147483\.647/,
  ],
  // logs
  ['logs of a folder', ['logs', SAMPLE], /logs: .* is a folder; give one log file\./],
  ['logs of a missing file', ['logs', '/no/such.log'], /logs: no such file: \/no\/such\.log\./],
  [
    'logs --max-iterations abc',
    ['logs', `${SAMPLE}/README.md`, '--max-iterations', 'abc'],
    /logs: --max-iterations must be an integer of at least 1, but got "abc"\./,
  ],
  // browse
  [
    'browse --timeout 0',
    ['browse', '--timeout', '0'],
    /browse: --timeout must be a positive number of seconds/,
  ],
  [
    'browse --request-timeout 0',
    ['browse', '--request-timeout', '0'],
    /browse: --request-timeout must be a positive number of seconds/,
  ],
  // doctor
  [
    'doctor with an argument',
    ['doctor', 'now'],
    /doctor: unexpected argument "now"\. Usage: bots doctor \[options\]/,
  ],
  [
    'doctor --model nonsense',
    ['doctor', '--model', 'nonsense'],
    /doctor: --model: Invalid model string/,
  ],
  [
    'doctor --fix with a value',
    ['doctor', '--fix=all'],
    /doctor: --fix takes no value; write just --fix\./,
  ],
  ['doctor --jsn', ['doctor', '--jsn'], /doctor: unknown option --jsn\. Did you mean --json\?/],
  // demo
  [
    'demo with an argument',
    ['demo', 'now'],
    /demo: unexpected argument "now"\. Usage: bots demo \[options\]/,
  ],
  [
    'demo --sandbox vm',
    ['demo', '--sandbox', 'vm'],
    /demo: --sandbox must be one of "docker", "local", but got "vm"/,
  ],
  [
    'demo --timeout 99999999',
    ['demo', '--timeout', '99999999'],
    /demo: --timeout must be a positive number of seconds, at most 2147483\.647/,
  ],
  // environment
  [
    'an unknown AZURE_AUTH_METHOD',
    ['run', 'list files', '--model', 'azure-openai/gpt-4o'],
    /AZURE_AUTH_METHOD is "magic", which is not a known auth method\. Set it to one of: api_key, azure_ad/,
    cleanEnv({
      ...SECRETS,
      AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
      AZURE_OPENAI_API_VERSION: '2024-10-21',
      AZURE_AUTH_METHOD: 'magic',
    }),
  ],
  [
    'a key pasted as the value of a flag is not echoed',
    ['run', 'x', '--sandbox', SECRETS.AZURE_OPENAI_API_KEY],
    /--sandbox must be one of "docker", "local", but got "\[REDACTED\]"/,
  ],
  [
    'an sk- key pasted as --timeout is not echoed',
    ['run', 'x', '--timeout', SECRETS.OPENAI_API_KEY],
    /--timeout must be a positive number of seconds.*but got "\[REDACTED\]"/,
  ],
];

describe('bad input: exit 2 at once, a message that names the fix, no stack trace, no secret', () => {
  test.each(cases)('%s', async (_name, args, message, env) => {
    const run = await runCli(args, { env: env ?? envWithSecrets() });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
    expect(run.stdout).toBe('');
    for (const secret of Object.values(SECRETS)) {
      expect(run.stderr).not.toContain(secret);
    }
  });

  test('a usage error points at the help of its own command', async () => {
    const run = await runCli(['write', SAMPLE, 't', '--timeout', '0']);
    expect(run.stderr).toMatch(/\nRun `bots write --help` for usage\.\n$/);
  });

  test('--help wins over bad options: `bots run --timeout 0 --help` shows the help', async () => {
    const run = await runCli(['run', '--timeout', '0', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: bots run "<task>" \[options\]/);
  });
});

describe('no credentials', () => {
  test('exits 2 and names the variables to set', async () => {
    const run = await runCli(['run', 'list files', '--model', 'azure-openai/gpt-4o'], {
      env: cleanEnv({
        AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
      }),
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /No credentials for azure-openai\. Set OPEN_AI_KEY.*AZURE_AUTH_METHOD=azure_ad/,
    );
    expect(run.stdout).toBe('');
  });
});

describe("no credentials, in a CLI user's terms", () => {
  test('names the key variables and AZURE_AUTH_METHOD, never "pass tokenProvider"', async () => {
    for (const [model, env, message] of [
      [
        'azure-openai/gpt-4o',
        {
          AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
          AZURE_OPENAI_API_VERSION: '2024-10-21',
        },
        /No credentials for azure-openai\. Set OPEN_AI_KEY or AZURE_OPENAI_API_KEY to use an API key, or set AZURE_AUTH_METHOD=azure_ad to use an Entra ID token .*`bots doctor --model azure-openai\/gpt-4o` shows what is found\./,
      ],
      [
        'anthropic/claude',
        { ANTHROPIC_END_POINT: 'https://example.services.ai.azure.com/anthropic' },
        /No credentials for anthropic\. Set ANTHROPIC_API_KEY to use an API key, or set AZURE_AUTH_METHOD=azure_ad and AZURE_AUTH_SCOPE=https:\/\/ai\.azure\.com\/\.default/,
      ],
      ['openai/gpt-4o', {}, /No credentials for openai\. Set OPENAI_API_KEY to use an API key\./],
    ] as const) {
      const run = await runCli(['run', 'list files', '--model', model], { env: cleanEnv(env) });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/tokenProvider/);
    }
  });
});
