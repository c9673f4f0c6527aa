import { MicroBot } from '@bots/core';
import { answerReply, commandReply, FakeEnvironment, ScriptedChatModel } from '@bots/core/testing';
import { type Emulator, startEmulator } from '@bots/emulator';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { chromiumAvailability, describeWhen } from '../test/availability.js';
import { browserTool } from './browser-tool.js';
import { BrowsingBot } from './browsing-bot.js';
import { type SampleSite, sampleSiteScript, startSampleSite } from './testing/index.js';

describeWhen('local runner (host Chromium, no Docker)', chromiumAvailability(), () => {
  let emulator: Emulator;
  let site: SampleSite;

  beforeAll(async () => {
    emulator = await startEmulator({ script: sampleSiteScript });
    // One emulator per file: msal-node keeps the first IDENTITY_ENDPOINT of the process.
    vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
    vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
    site = await startSampleSite();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await site?.close();
    await emulator?.close();
  });

  test('answers a question that needs a click and a form fill, keyless through azure_ad', async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' },
      runner: 'local',
    });
    const steps: string[] = [];
    const result = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      timeoutMs: 60_000,
      onStep: (step) => steps.push(step.command),
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('success');
    expect(result.result).toBe('The book "Dune" is on shelf B-42.');
    expect(steps).toEqual([`open ${site.url}`, 'click 2', 'type 1 "Dune"', 'click 2', '']);
    expect(site.visits).toContain('/results?title=Dune');
    expect(result.runner).toBe('local');
    expect(result.auth).toBe('token');
    const calls = emulator.requests.ofKind('azure-openai');
    expect(calls).toHaveLength(5);
    for (const call of calls) expect(call.auth).toMatchObject({ scheme: 'bearer', accepted: true });
  });

  test('a MicroBot calls the browser as a tool, with its own token provider', async () => {
    const audience = 'https://cognitiveservices.azure.com';
    let tokens = 0;
    const tokenProvider = async () => {
      tokens++;
      return emulator.issueToken({ audience }).token;
    };
    const boss = new ScriptedChatModel({
      replies: [
        commandReply(`browse "On the site ${site.url} find the shelf of the book \\"Dune\\"."`),
        (request) => answerReply(`Found: ${request.messages.at(-1)?.content.split('\n').at(-1)}`),
      ],
    });
    const bot = new MicroBot({
      model: boss,
      environment: new FakeEnvironment(),
      tokenProvider,
      tools: [browserTool({ runner: 'local', model: 'azure-openai/gpt-4o', env: emulator.env })],
    });
    try {
      const result = await bot.run('Which shelf holds Dune?', { timeoutMs: 60_000 });
      expect(result.error).toBeUndefined();
      expect(result.result).toBe('Found: The book "Dune" is on shelf B-42.');
      expect(result.steps[0]).toMatchObject({ kind: 'tool', tool: 'browse', exitCode: 0 });
      expect(tokens).toBeGreaterThan(0);
    } finally {
      await bot.dispose();
    }
  });

  test('abort and timeout stop the local browser too', async () => {
    const bot = new BrowsingBot({
      model: 'azure-openai/gpt-4o',
      env: { ...emulator.env, ...emulator.keyEnv },
      runner: 'local',
    });
    const controller = new AbortController();
    emulator.inject({ delayMs: 1_000 }, { times: 10, kinds: ['azure-openai'] });
    const aborted = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      signal: controller.signal,
      onStep: () => controller.abort(),
    });
    expect([aborted.status, aborted.error?.name]).toEqual(['aborted', 'RunAbortedError']);
    emulator.clearFaults();
    emulator.inject({ delayMs: 30_000 }, { times: 2, kinds: ['azure-openai'] });
    const started = Date.now();
    const timedOut = await bot.run(`On the site ${site.url} find the shelf of the book "Dune".`, {
      timeoutMs: 2_000,
    });
    emulator.clearFaults();
    expect([timedOut.status, timedOut.error?.name]).toEqual(['timeout', 'RunTimeoutError']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
