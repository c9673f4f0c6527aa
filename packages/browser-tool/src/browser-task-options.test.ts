// Bad options are a ConfigurationError at the earliest point (the BrowsingBot constructor,
// browserTool(), the runBrowserTask call), naming the option, the value and the fix, with no
// secret in it; nothing starts.
import { ConfigurationError } from '@bots/auth';
import { describe, expect, test } from 'vitest';
import { browserTool } from './browser-tool.js';
import { BrowsingBot } from './browsing-bot.js';
import { runBrowserTask } from './run-browser-task.js';

const SECRET = 'sk-abcdefghijklmnopqrstuvwxyz0123456789';

/** [what the user wrote, options, what the message must say (option, value, fix)] */
const badBotOptions: [string, Record<string, unknown>, RegExp][] = [
  [
    'a misspelt runner',
    { runner: 'dokcer' },
    /^BrowsingBot options\.runner must be one of "auto", "docker", "local", but got "dokcer"\. Leave it out/,
  ],
  [
    'maxSteps 0',
    { maxSteps: 0 },
    /^BrowsingBot options\.maxSteps must be an integer from 1 to 1000, but got 0\./,
  ],
  ['maxSteps 1.5', { maxSteps: 1.5 }, /maxSteps must be an integer from 1 to 1000, but got 1\.5/],
  [
    'a negative temperature',
    { temperature: -1 },
    /temperature must be a number from 0 to 2, but got -1/,
  ],
  [
    'temperature NaN',
    { temperature: Number.NaN },
    /temperature must be a number from 0 to 2, but got NaN/,
  ],
  [
    'memory in MiB instead of bytes',
    { memory: 2048 },
    /memory must be an integer of at least 268435456, but got 2048\. It is in bytes/,
  ],
  [
    'allowHosts as a string',
    { allowHosts: '127.0.0.1:8080' },
    /allowHosts must be an array of host entries such as \["example\.com", "127\.0\.0\.1:8080"\], but got "127\.0\.0\.1:8080"/,
  ],
  [
    'loopback without a port',
    { allowHosts: ['127.0.0.1'] },
    /allowHosts entry "127\.0\.0\.1" is on this machine's loopback without a port: name the port \(127\.0\.0\.1:8080\)/,
  ],
  [
    'localhost without a port',
    { allowHosts: ['localhost'] },
    /entry "localhost" names this machine's loopback without a port: name the port \(localhost:3000\)/,
  ],
  [
    'a URL instead of a host',
    { allowHosts: ['http://127.0.0.1:8080/'] },
    /entry "http:\/\/127\.0\.0\.1:8080\/" is a URL; give its host.*127\.0\.0\.1:8080/,
  ],
  [
    '0.0.0.0',
    { allowHosts: ['0.0.0.0:80'] },
    /entry "0\.0\.0\.0:80" is the unspecified address .* name the service's own address instead/,
  ],
  [
    'a bad port',
    { allowHosts: ['example.com:99999'] },
    /entry "example\.com:99999" has a port that is not a number from 1 to 65535/,
  ],
  [
    'a token as the tokenProvider',
    { tokenProvider: SECRET },
    /tokenProvider must be a function, but got "\[REDACTED\]"\. Pass \(\) => Promise<string>/,
  ],
  [
    'a number as the model',
    { model: 5 },
    /model must be a model string such as "azure-openai\/gpt-4o" or a ChatModel .* but got 5/,
  ],
  [
    'an empty model',
    { model: '' },
    /model must be a non-empty string, but got ""\. Write provider\/name/,
  ],
  [
    'env as a string',
    { env: 'production' },
    /env must be an object, but got "production"\. Pass an object of environment variables/,
  ],
  [
    'chromiumSandbox "yes"',
    { chromiumSandbox: 'yes' },
    /chromiumSandbox must be true or false, but got "yes"/,
  ],
  [
    'an empty executablePath',
    { executablePath: '' },
    /executablePath must be a non-empty string, but got ""/,
  ],
  [
    'an image number',
    { image: 42 },
    /image must be a non-empty string, but got 42\. Leave it out to use the browser image/,
  ],
  [
    'a docker that is not a client',
    { docker: { socketPath: '/var/run/docker.sock' } },
    /docker must be a dockerode client \(new Docker\(\)\), but got an object/,
  ],
  [
    'the removed tokenRefresh',
    { tokenRefresh: false },
    /has no option "tokenRefresh" any more: this process makes the model calls .* Remove the option/,
  ],
  [
    'allowhosts (case)',
    { allowhosts: ['example.com'] },
    /BrowsingBot options has no option "allowhosts"\. Did you mean allowHosts\?/,
  ],
  [
    'a run option on the bot',
    { timeoutMs: 5_000 },
    /BrowsingBot options has no option "timeoutMs"\..*Valid options:/,
  ],
];

describe('bad options', () => {
  test.each(badBotOptions)('new BrowsingBot with %s', (_what, options, message) => {
    let thrown: unknown;
    try {
      new BrowsingBot(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain(SECRET);
  });

  test.each([
    [
      'timeoutMs beyond a timer',
      { timeoutMs: 1e20 },
      /BrowsingBot\.run options\.timeoutMs|runBrowserTask options\.timeoutMs must be a positive number of milliseconds, at most 2147483647/,
    ],
    [
      'a negative timeoutMs',
      { timeoutMs: -1 },
      /timeoutMs must be a positive number of milliseconds/,
    ],
    [
      'a signal that is not one',
      { signal: { aborted: false } },
      /signal must be an AbortSignal \(from new AbortController\(\)\.signal\), but got an object/,
    ],
    [
      'onStep as a string',
      { onStep: 'console.log' },
      /onStep must be a function, but got "console\.log"/,
    ],
    [
      'timeoutMS (case)',
      { timeoutMS: 5_000 },
      /BrowsingBot\.run options has no option "timeoutMS"\. Did you mean timeoutMs\?/,
    ],
  ])('bot.run with %s rejects before anything starts', async (_what, options, message) => {
    const bot = new BrowsingBot({ runner: 'local', executablePath: '/nonexistent/chromium' });
    const failure = await bot.run('Open a page.', options as never).catch((error) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toMatch(message);
  });

  test('runBrowserTask rejects an empty task and bad options at the call, not as a failed run', async () => {
    await expect(runBrowserTask('  ')).rejects.toThrow(
      /The browser task is empty: say what to do in the browser\./,
    );
    await expect(runBrowserTask('Open a page.', { runner: 'chrome' as never })).rejects.toThrow(
      /runBrowserTask options\.runner must be one of "auto", "docker", "local", but got "chrome"/,
    );
    await expect(runBrowserTask('Open a page.', 'fast' as never)).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  test('browserTool checks its options when it is made, not when the model first calls it', () => {
    expect(() => browserTool({ name: '' })).toThrow(
      /browserTool options\.name must be a non-empty string/,
    );
    expect(() => browserTool({ allowHosts: ['[::1]'] })).toThrow(
      /browserTool options\.allowHosts entry "\[::1\]" .*without a port/,
    );
    expect(() => browserTool({ maxSteps: -3 })).toThrow(
      /browserTool options\.maxSteps must be an integer from 1 to 1000, but got -3/,
    );
    expect(() => browserTool({ signal: new AbortController().signal } as never)).toThrow(
      /browserTool options has no option "signal"/,
    );
  });
});
