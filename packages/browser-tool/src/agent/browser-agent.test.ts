import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret } from '@bots/auth';
import { answerReply, commandReply, ScriptedChatModel } from '@bots/core/testing';
import { CHROMIUM, chromiumAvailability, describeWhen } from '@bots/test-kit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseStepLine } from '../agent-output.js';
import { runBrowserAgent } from './browser-agent.js';

/** Ordinary code that names passwords, keys and tokens: the user's data, to reach the model as is. */
const CODE_LINES = [
  'if (password === stored) return true;',
  'api_key = os.environ["SERVICE_API_KEY"]',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the user's code, quoted as it is
  'headers.Authorization = `Bearer ${token}`;',
  'const clientSecret = readSecret("client_secret");',
];
/** A secret the library holds (registered, as every token and key it fetches or reads is). */
const SECRET = 'held-by-the-library-0123456789abcdef';

describeWhen('browser agent commands (host Chromium)', chromiumAvailability(), () => {
  let server: Server;
  let url: string;
  let allowHosts: string[];
  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x');
      response.writeHead(200, { 'content-type': 'text/html' });
      if (path.pathname === '/code') {
        response.end(
          `<title>Code</title><pre>${CODE_LINES.join('\n')}\ntoken in use: ${SECRET}</pre>`,
        );
        return;
      }
      if (path.pathname === '/order') {
        // The form's result comes late, as on a loaded machine: the agent must wait for the
        // navigation that Enter started, not read the form page again.
        setTimeout(() => {
          response.end(
            `<title>Order</title><p>Ordered ${path.searchParams.get('q')} in ${path.searchParams.get('color')}</p>`,
          );
        }, 800);
        return;
      }
      response.end(`<title>Form</title><form action="/order">
        <input name="q" aria-label="Query">
        <select name="color" aria-label="Colour"><option>Red</option><option>Blue</option></select>
        </form><div style="height:3000px"></div><p>Bottom of the page</p>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    allowHosts = [new URL(url).host];
  });
  afterAll(() => {
    server?.close();
  });

  test("page text reaches the model and the step lines verbatim; only the library's own secrets are masked", async () => {
    registerSecret(SECRET);
    const lines: string[] = [];
    const model = new ScriptedChatModel({
      replies: [commandReply(`open ${url}code`), answerReply('read it')],
    });
    const outcome = await runBrowserAgent({
      task: 'Read the code',
      model,
      emit: (line) => lines.push(line),
      executablePath: CHROMIUM,
      allowHosts,
      actionTimeoutMs: 5_000,
    });
    expect(outcome.status).toBe('success');
    const seen = model.lastUserMessage();
    const step = lines.map(parseStepLine).find((entry) => entry?.command === `open ${url}code`);
    for (const line of CODE_LINES) {
      expect(seen).toContain(line);
      expect(step?.output).toContain(line);
    }
    expect(seen).not.toContain(SECRET);
    expect(seen).toContain('token in use: [REDACTED]');
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  test('open, type, select, press, back, scroll, read, errors, answer', async () => {
    const lines: string[] = [];
    const model = new ScriptedChatModel({
      replies: [
        commandReply(`open ${url}`),
        commandReply('type 1 "tea"'),
        commandReply('select 2 Blue'),
        commandReply('click 99'),
        commandReply('dance'),
        commandReply('press Enter'),
        commandReply('back'),
        commandReply('scroll down'),
        commandReply('read'),
        'not json',
        answerReply('Ordered tea in Blue'),
      ],
    });
    const outcome = await runBrowserAgent({
      task: 'Order tea in blue',
      model,
      emit: (line) => lines.push(line),
      executablePath: CHROMIUM,
      allowHosts,
      actionTimeoutMs: 2_000,
    });
    expect(outcome).toMatchObject({ status: 'success', answer: 'Ordered tea in Blue' });
    expect(lines.at(-1)).toBe('Final Result: Ordered tea in Blue');
    const steps = lines.map(parseStepLine).filter((step) => step !== undefined);
    const byCommand = Object.fromEntries(steps.map((step) => [step.command, step]));
    expect(byCommand[`open ${url}`]?.output).toMatch(
      /\[1\] input type=text name="q" label="Query"/,
    );
    expect(byCommand['type 1 "tea"']?.output).toMatch(/value="tea"/);
    expect(byCommand['click 99']?.exitCode).toBe(1);
    expect(byCommand.dance).toMatchObject({
      exitCode: 1,
      output: expect.stringMatching(/unknown command "dance"/),
    });
    // Enter submitted the form: the step waited for that navigation and read the new page (it
    // used to read the page while it was being replaced: "Execution context was destroyed").
    expect(byCommand['press Enter']).toMatchObject({
      exitCode: 0,
      url: `${url}order?q=tea&color=Blue`,
      output: expect.stringMatching(
        /^URL: .*\/order\?q=tea&color=Blue\nTitle: Order\nText:\nOrdered tea in Blue/,
      ),
    });
    expect(byCommand.back?.url).toBe(url);
    expect(byCommand.read?.output).toMatch(/Bottom of the page/);
    expect(steps.some((step) => step.kind === 'format-error')).toBe(true);
    // The model saw each result as "Exit code: N" and the page.
    expect(model.calls[2]?.messages.at(-1)?.content).toMatch(/^Exit code: 0\nOutput:\nURL: /);
    expect(model.calls.every((call) => call.json === true)).toBe(true);
  });

  test('a model that never answers stops at maxSteps', async () => {
    const model = new ScriptedChatModel({ replies: () => commandReply('read') });
    const outcome = await runBrowserAgent({
      task: 'loop',
      model,
      emit: () => undefined,
      executablePath: CHROMIUM,
      maxSteps: 3,
    });
    expect(outcome).toMatchObject({ status: 'failed', error: { name: 'MaxIterationsError' } });
    expect(model.calls).toHaveLength(3);
  });

  test('the browser starts while the model chooses the first action', async () => {
    const events: string[] = [];
    const model = new ScriptedChatModel({
      replies: [
        () => {
          events.push('first model call');
          return commandReply(`open ${url}`);
        },
        answerReply('done'),
      ],
    });
    const outcome = await runBrowserAgent({
      task: 'Open the page',
      model,
      emit: (line) => {
        if (line.startsWith('Browser started')) events.push('browser started');
      },
      executablePath: CHROMIUM,
      allowHosts,
    });
    expect(outcome.status).toBe('success');
    // Sequential start would have the browser up before the model is asked anything.
    expect(events).toEqual(['first model call', 'browser started']);
  });

  test('a model that fails before the browser is up: a failed outcome, and the browser still closes', async () => {
    const model = {
      async complete(): Promise<never> {
        throw Object.assign(new Error('401 from the model'), { name: 'AuthenticationError' });
      },
    };
    const outcome = await runBrowserAgent({
      task: 'Open the page',
      model: model as unknown as Parameters<typeof runBrowserAgent>[0]['model'],
      emit: () => undefined,
      executablePath: CHROMIUM,
    });
    expect(outcome).toMatchObject({ status: 'failed', error: { name: 'AuthenticationError' } });
    // The launch in flight (~1 s) ends with the browser closed: watch our Chromium children for
    // 6 s; at the end there must be none.
    let children = chromiumChildren();
    for (let waited = 0; waited < 6_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      children = chromiumChildren();
    }
    expect(children).toEqual([]);
  });
});

/** Chromium processes whose parent is this test process (`ps` exits 1 when there are none). */
function chromiumChildren(): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
      encoding: 'utf8',
    });
  } catch {
    out = '';
  }
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /chrom/i.test(line));
}
