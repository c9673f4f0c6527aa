// The offline example of README.md, run as written (process.env set through vi.stubEnv).
import { createServer } from 'node:http';
import { startEmulator } from '@bots/emulator';
import { expect, test, vi } from 'vitest';
import { chromiumAvailability, describeWhen } from '../test/availability.js';
import { BrowsingBot } from './index.js';

describeWhen('README example', chromiumAvailability(), () => {
  test('the offline example answers with the page title', async () => {
    const site = createServer((_, res) => res.end('<title>Hello from loopback</title><h1>Hi</h1>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(site.address() as { port: number }).port}`;
    const url = `http://${host}/`;

    const emulator = await startEmulator({
      script: ({ messages }) => {
        const last = messages.at(-1)?.content ?? '';
        const title = /^Title: (.*)$/m.exec(last)?.[1];
        return JSON.stringify(
          title
            ? { task_done: true, thoughts: `The title is "${title}".`, command: '' }
            : { task_done: false, thoughts: 'Open the page.', command: `open ${url}` },
        );
      },
    });
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    try {
      const bot = new BrowsingBot({
        model: 'azure-openai/gpt-4o',
        env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
        allowHosts: [host], // this one service of this machine, no other
      });
      const result = await bot.run(`What is the title of ${url}?`, { timeoutMs: 120_000 });
      expect([result.status, result.result]).toEqual([
        'success',
        'The title is "Hello from loopback".',
      ]);
    } finally {
      vi.unstubAllEnvs();
      await emulator.close();
      site.close();
    }
  });
});
