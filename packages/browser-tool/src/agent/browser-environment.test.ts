import { BotsError } from '@bots/auth';
import { answerReply, ScriptedChatModel } from '@bots/core/testing';
import { describe, expect, test } from 'vitest';
import { BrowserError } from '../browser-error.js';
import { BrowserEnvironment } from './browser-environment.js';
import { browserAgentModel, ForwardedModelError } from './forwarded-model-error.js';

describe('BrowserEnvironment (no browser needed)', () => {
  test('a command that is not a browser command is exit code 1 with the reason, and launches nothing', async () => {
    const environment = new BrowserEnvironment({ executablePath: '/nonexistent/chromium' });
    const result = await environment.execute('ls -la');
    expect(result).toMatchObject({ exitCode: 1, timedOut: false, truncated: false });
    expect(result.output).toMatch(/^Error: unknown command "ls"; use one of: open, click/);
    expect(environment.url).toBe('about:blank');
    await environment.dispose();
  });

  test('copyIn refuses with a BrowserError that says what to do instead', async () => {
    const environment = new BrowserEnvironment();
    const refusal = await environment.copyIn('/tmp/a.txt', '/workdir/a.txt').catch((e) => e);
    expect(refusal).toBeInstanceOf(BrowserError);
    expect(refusal).toBeInstanceOf(BotsError);
    expect((refusal as Error).message).toMatch(/cannot copy .*Serve the file on an allowed host/);
    await environment.dispose();
  });

  test('a Chromium that cannot start is a BrowserError naming the binary and the fix', async () => {
    const environment = new BrowserEnvironment({
      executablePath: '/nonexistent/chromium',
      proxyServer: 'http://127.0.0.1:9', // never reached: nothing starts
    });
    const failure = await environment.start().catch((e) => e);
    expect(failure).toBeInstanceOf(BrowserError);
    expect((failure as Error).message).toMatch(
      /^Chromium at \/nonexistent\/chromium could not be started: .*CHROMIUM_PATH/,
    );
    await environment.dispose();
    await expect(environment.start()).rejects.toBeInstanceOf(BrowserError);
  });
});

describe('browserAgentModel', () => {
  test('passes the temperature, and turns a named plain error into a ForwardedModelError of that name', async () => {
    const scripted = new ScriptedChatModel({ replies: [answerReply('ok')] });
    await browserAgentModel(scripted, 0.2).complete({ messages: [], json: true });
    expect(scripted.calls[0]).toMatchObject({ json: true, temperature: 0.2 });

    const failing = (error: Error) =>
      browserAgentModel({
        provider: 'azure-openai',
        name: 'host',
        complete: () => Promise.reject(error),
      }).complete({ messages: [] });
    const named = await failing(
      Object.assign(new Error('401 for the deployment'), { name: 'ModelAuthenticationError' }),
    ).catch((e) => e);
    expect(named).toBeInstanceOf(ForwardedModelError);
    expect(named).toMatchObject({
      name: 'ModelAuthenticationError',
      message: '401 for the deployment',
    });
    const plain = new Error('socket hang up');
    expect(await failing(plain).catch((e) => e)).toBe(plain);
    const library = new BrowserError('A library error.');
    expect(await failing(library).catch((e) => e)).toBe(library);
  });
});
