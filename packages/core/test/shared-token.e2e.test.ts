// Many bots at once: 10 ReadingBots created separately with the same env (real
// DefaultAzureCredential, managed identity in the App Service shape, against the emulator) share
// one token provider, so the identity endpoint is asked once, not once per bot.
import { clearSharedTokenProviders, tokenProviderFromEnv } from '@bots/auth';
import type { ModelRequest } from '@bots/emulator';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AgentBoss, ReadingBot } from '../src/index.js';
import { FakeEnvironment } from '../src/testing/index.js';
import {
  answer,
  botEnv,
  command,
  folderWith,
  lastSequence,
  modelRequests,
  removeFolders,
  requestsSince,
  taskOf,
  turn,
  useEmulator,
} from './support.js';

// 120-s tokens: msal-node's own cache treats them as expired at once (< 5 min left), so every
// credential instance that is asked goes to the identity endpoint: the count is @bots/auth's.
const emulator = useEmulator({ tokenLifetimeSeconds: 120 });

const bots: ReadingBot[] = [];
beforeEach(() => {
  clearSharedTokenProviders();
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.dispose()));
  removeFolders();
  clearSharedTokenProviders();
});

function tenBots(extra: () => object = () => ({})): ReadingBot[] {
  const folder = folderWith('notes', { 'a.md': 'alpha\n' });
  for (let index = 0; index < 10; index++) {
    bots.push(
      new ReadingBot({
        model: 'azure-openai/gpt-4o-many',
        env: botEnv(emulator()),
        folder,
        ...extra(),
      }),
    );
  }
  return bots;
}

describe('10 bots at once share one token', () => {
  test('10 ReadingBots created separately with the same env: one identity call', async () => {
    emulator().setScript((request: ModelRequest) => answer(`answer to ${taskOf(request)}`));
    const since = lastSequence(emulator());
    const before = emulator().tokenRequestCount;

    const results = await Promise.all(tenBots().map((bot, index) => bot.run(`question ${index}`)));

    for (const [index, result] of results.entries()) {
      expect(result.error, JSON.stringify(result.error)).toBeUndefined();
      expect(result.result).toBe(`answer to question ${index}`);
    }
    expect(emulator().tokenRequestCount - before).toBe(1);
    const model = modelRequests(requestsSince(emulator(), since));
    expect(model).toHaveLength(10);
    expect(new Set(model.map((request) => request.auth.tokenId)).size).toBe(1);
    for (const request of model) expect(request.auth).toMatchObject({ accepted: true });
  });

  test('what sharing saves: with a provider of their own each, 10 bots make 10 identity calls', async () => {
    emulator().setScript(() => answer('done'));
    const before = emulator().tokenRequestCount;
    const env = botEnv(emulator());
    const providers = await Promise.all(
      Array.from({ length: 10 }, () => tokenProviderFromEnv({ env, shared: false })),
    );
    let next = 0;
    const results = await Promise.all(
      tenBots(() => ({ tokenProvider: providers[next++] })).map((bot) => bot.run('question')),
    );
    for (const result of results) expect(result.status).toBe('success');
    expect(emulator().tokenRequestCount - before).toBe(10);
  });

  test('an AgentBoss and its sub-bots, beside 3 other bots: still one identity call', async () => {
    emulator().setScript((request: ModelRequest) => {
      const task = taskOf(request);
      if (task.startsWith('boss') && turn(request) === 0) return command('delegate "sub-task"');
      return answer(`done: ${task.slice(0, 20)}`);
    });
    const before = emulator().tokenRequestCount;
    const folder = folderWith('boss', { 'b.md': 'beta\n' });
    const env = botEnv(emulator());
    const boss = new AgentBoss({
      model: 'azure-openai/gpt-4o-many',
      env,
      mounts: [{ hostPath: folder }],
      environment: new FakeEnvironment(),
    });
    const others = Array.from(
      { length: 3 },
      () => new ReadingBot({ model: 'azure-openai/gpt-4o-many', env, folder }),
    );
    bots.push(...others);
    try {
      const [bossResult, ...rest] = await Promise.all([
        boss.run('boss task', { maxIterations: 5 }),
        ...others.map((bot) => bot.run('other task')),
      ]);
      expect(bossResult?.error, JSON.stringify(bossResult?.error)).toBeUndefined();
      expect(bossResult?.steps[0]).toMatchObject({ kind: 'tool', tool: 'delegate', exitCode: 0 });
      for (const result of rest) expect(result.status).toBe('success');
    } finally {
      await boss.dispose();
    }
    expect(emulator().tokenRequestCount - before).toBe(1);
  });
});
