// The loop over a real model client (@bots/providers against @bots/emulator, over loopback):
// a retry-after of an hour does not stall the run, a model that never answers ends it with
// ModelTimeoutError, and the run's own timeout is RunTimeoutError.
import { createServer, type Socket } from 'node:net';
import { useEmulator } from '@bots/emulator/testing';
import { createChatModel, type RetryInfo } from '@bots/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedEnvironment } from '../testing/scripted-environment.js';
import { runAgentLoop } from './agent-loop.js';

const emulator = useEmulator({
  script: (request) =>
    request.messages.some((message) => message.role === 'assistant')
      ? JSON.stringify({ task_done: true, thoughts: 'It printed 42.', command: '' })
      : JSON.stringify({ task_done: false, thoughts: 'look', command: 'echo 42' }),
});
afterEach(() => {
  emulator.requests.clear();
  emulator.clearFaults();
});

describe('the loop over a real model client', () => {
  it('429 with retry-after: 3600: the run goes on after the capped wait, and onRetry heard it', async () => {
    const retries: RetryInfo[] = [];
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
      maxRetryDelayMs: 300,
      onRetry: (retry) => retries.push(retry),
    });
    emulator.inject({ status: 429, retryAfterSeconds: 3600 });
    const environment = new ScriptedEnvironment(() => '42\n');
    const started = performance.now();
    const result = await runAgentLoop({
      task: 'Print 42.',
      systemPrompt: 'SYSTEM',
      model,
      environment,
      timeoutMs: 60_000,
    });
    expect(result).toMatchObject({ status: 'success', result: 'It printed 42.' });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 300, requestedDelayMs: 3_600_000, status: 429 },
    ]);
    expect(result.steps[0]?.modelDurationMs).toBeGreaterThanOrEqual(290);
    expect(environment.commands).toEqual(['echo 42']);
    expect(emulator.requests.ofKind('azure-openai').map((request) => request.status)).toEqual([
      429, 200, 200,
    ]);
  });

  it('a model that accepts the connection and never answers: the run fails with ModelTimeoutError', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const model = await createChatModel('openai/gpt-4.1', {
        env: { OPENAI_ENDPOINT: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'key-0123456789' },
        requestTimeoutMs: 500,
      });
      const result = await runAgentLoop({
        task: 'Anything.',
        systemPrompt: 'SYSTEM',
        model,
        environment: new ScriptedEnvironment(),
      });
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({
        name: 'ModelTimeoutError',
        kind: 'limit',
        message: `The model at http://127.0.0.1:${port}/v1 did not answer within 500 ms. Check that the endpoint is the right one and is up, or raise requestTimeoutMs.`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("the run's own timeout during a long retry wait: status timeout, RunTimeoutError", async () => {
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
    });
    emulator.inject({ status: 429, retryAfterSeconds: 3600 });
    const started = performance.now();
    const result = await runAgentLoop({
      task: 'Print 42.',
      systemPrompt: 'SYSTEM',
      model,
      environment: new ScriptedEnvironment(),
      timeoutMs: 400,
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe('timeout');
    expect(result.error?.name).toBe('RunTimeoutError');
    expect(result.error?.message).toMatch(/within its timeout of 400 ms \(timeoutMs\)/);
  });
});
