import { describe, expect, test } from 'vitest';
import { cleanEnv, runCli, SAMPLE } from './helpers.js';

describe('usage and configuration errors exit 2 with the message, no stack trace', () => {
  const cases: [string, string[], RegExp, NodeJS.ProcessEnv?][] = [
    ['no command', [], /no command given/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['run without a task', ['run', '--model', 'openai/gpt-4o'], /run: missing <task>/],
    ['read without a question', ['read', SAMPLE], /read: missing <question>/],
    [
      'a bad model string',
      ['run', 'list files', '--model', 'nonsense'],
      /Invalid model string: "nonsense".*azure-openai\/<deployment>/,
    ],
    [
      'an unknown provider',
      ['run', 'list files', '--model', 'bedrock/claude'],
      /azure-openai\/<deployment>/,
    ],
    [
      '--sandbox nope',
      ['run', 'list files', '--model', 'openai/gpt-4o', '--sandbox', 'nope'],
      /--sandbox must be docker or local/,
    ],
    ['an unknown option', ['read', SAMPLE, 'q', '--frob'], /Unknown option '--frob'/],
    [
      '--max-iterations 0',
      ['run', 'x', '--max-iterations', '0'],
      /--max-iterations must be a whole number/,
    ],
    ['--timeout abc', ['run', 'x', '--timeout', 'abc'], /--timeout must be a number of seconds/],
    [
      'a missing folder',
      ['read', '/no/such/folder', 'q', '--model', 'openai/gpt-4o'],
      /No such folder/,
    ],
    ['no model at all', ['run', 'list files'], /No model given.*--model/],
    [
      'no credentials for azure-openai',
      ['run', 'list files', '--model', 'azure-openai/gpt-4o'],
      /No credentials for azure-openai\. Set OPEN_AI_KEY.*AZURE_AUTH_METHOD=azure_ad/,
      cleanEnv({
        AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
      }),
    ],
    [
      'an unknown AZURE_AUTH_METHOD',
      ['run', 'list files', '--model', 'azure-openai/gpt-4o'],
      /AZURE_AUTH_METHOD/,
      cleanEnv({
        AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
        AZURE_AUTH_METHOD: 'magic',
      }),
    ],
  ];
  test.each(cases)('%s', async (_name, args, message, env) => {
    const run = await runCli(args, env ? { env } : {});
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
    expect(run.stdout).toBe('');
  });

  test('--help, -h and help print the usage on stdout and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['read', '--help']]) {
      const run = await runCli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('bots read <dir> "<question>"');
      expect(run.stdout).toContain('Exit codes');
    }
  });
});
