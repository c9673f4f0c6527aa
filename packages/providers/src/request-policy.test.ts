// Timeouts and retries of model requests, over real sockets: a server that accepts and never
// answers, one that stops in the middle of its answer, and the emulator's fault injection (429
// with retry-after: 3600, 500, connection reset).
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { useEmulator } from '@bots/emulator/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { ModelRequestError, ModelTimeoutError } from './errors.js';
import type { RetryInfo } from './retry-policy.js';

const emulator = useEmulator({ script: () => 'pong' });
afterEach(() => {
  emulator.requests.clear();
  emulator.clearFaults();
});

const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };

/** A TCP server on loopback that accepts connections and never sends a byte. */
async function silentServer(): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: NetServer = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An HTTP server that sends a 200 and the start of a JSON body, then nothing more. */
async function stallingServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"id":"chatcmpl-1","choices":[');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function envFor(provider: string, base: string, port: number): Record<string, string> {
  switch (provider) {
    case 'azure-openai':
      return {
        OPEN_AI_END_POINT: base,
        OPEN_AI_API_VERSION: '2024-10-21',
        OPEN_AI_KEY: 'key-0123456789',
      };
    case 'anthropic':
      return { ANTHROPIC_END_POINT: base, ANTHROPIC_API_KEY: 'key-0123456789' };
    case 'openai':
      return { OPENAI_ENDPOINT: `${base}/v1`, OPENAI_API_KEY: 'key-0123456789' };
    default:
      return { LOCAL_MODEL_PORT: String(port) };
  }
}

describe('requestTimeoutMs: a model that never answers', () => {
  it.each([
    ['azure-openai', 'azure-openai/gpt-4o', (port: number) => `http://127.0.0.1:${port}`],
    ['anthropic', 'anthropic/claude', (port: number) => `http://127.0.0.1:${port}`],
    ['openai', 'openai/gpt-4.1', (port: number) => `http://127.0.0.1:${port}/v1`],
    ['ollama-local', 'ollama-local/llama3.2', (port: number) => `http://localhost:${port}`],
  ])(
    '%s: a socket that accepts and never answers ends in ModelTimeoutError, not retried',
    async (provider, model, shown) => {
      const server = await silentServer();
      try {
        const retries: RetryInfo[] = [];
        const chat = await createChatModel(model, {
          env: envFor(provider, `http://127.0.0.1:${server.port}`, server.port),
          requestTimeoutMs: 300,
          onRetry: (retry) => retries.push(retry),
        });
        const started = performance.now();
        const error = await chat.complete(hello).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ModelTimeoutError);
        expect(error).toMatchObject({
          name: 'ModelTimeoutError',
          endpoint: shown(server.port),
          timeoutMs: 300,
        });
        expect((error as Error).message).toBe(
          `The model at ${shown(server.port)} did not answer within 300 ms. Check that the endpoint is the right one and is up, or raise requestTimeoutMs.`,
        );
        expect(performance.now() - started).toBeLessThan(10_000);
        expect(server.connections()).toBe(1);
        expect(retries).toEqual([]);
      } finally {
        await server.close();
      }
    },
  );

  it('an answer that stops half-way (headers sent, body never finished) times out too', async () => {
    const server = await stallingServer();
    try {
      const chat = await createChatModel('openai/gpt-4.1', {
        env: envFor('openai', `http://127.0.0.1:${server.port}`, server.port),
        requestTimeoutMs: 400,
      });
      await expect(chat.complete(hello)).rejects.toMatchObject({
        name: 'ModelTimeoutError',
        timeoutMs: 400,
      });
    } finally {
      await server.close();
    }
  });

  it('the caller aborting still wins over the timeout, with its own reason', async () => {
    const server = await silentServer();
    try {
      const chat = await createChatModel('openai/gpt-4.1', {
        env: envFor('openai', `http://127.0.0.1:${server.port}`, server.port),
        requestTimeoutMs: 60_000,
      });
      const reason = new Error('stopped by the caller');
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 100);
      await expect(chat.complete({ ...hello, signal: controller.signal })).rejects.toBe(reason);
    } finally {
      await server.close();
    }
  });

  it('timeoutMs, the former name, still sets the request timeout', async () => {
    const server = await silentServer();
    try {
      const chat = await createChatModel('openai/gpt-4.1', {
        env: envFor('openai', `http://127.0.0.1:${server.port}`, server.port),
        timeoutMs: 300,
      });
      await expect(chat.complete(hello)).rejects.toMatchObject({
        name: 'ModelTimeoutError',
        timeoutMs: 300,
      });
    } finally {
      await server.close();
    }
  });

  it('defaults to 10 minutes, a timer Node can keep', async () => {
    const { DEFAULT_REQUEST_TIMEOUT_MS } = await import('./chat-model-options.js');
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(600_000);
  });
});

describe('retries: a retry-after of an hour is capped, and onRetry hears each retry', () => {
  it.each([
    ['azure-openai (retry-after-ms and retry-after)', 'azure-openai/gpt-4o', 'azure-openai'],
    ['anthropic (retry-after only)', 'anthropic/claude', 'anthropic'],
    ['openai', 'openai/gpt-4.1', 'openai'],
    ['ollama-local', 'ollama-local/llama3.2', 'ollama'],
  ] as const)(
    '%s: 429 with retry-after: 3600 waits maxRetryDelayMs, then succeeds',
    async (_label, model, kind) => {
      const retries: RetryInfo[] = [];
      const chat = await createChatModel(model, {
        env: { ...emulator.env, ...emulator.keyEnv, ANTHROPIC_END_POINT: emulator.urls.anthropic },
        maxRetryDelayMs: 200,
        onRetry: (retry) => retries.push(retry),
      });
      emulator.inject({ status: 429, retryAfterSeconds: 3600 }, { kinds: [kind] });
      const started = performance.now();
      const reply = await chat.complete(hello);
      expect(reply.text).toBe('pong');
      expect(reply.retries).toBe(1);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(retries).toEqual([
        { attempt: 1, delayMs: 200, requestedDelayMs: 3_600_000, status: 429 },
      ]);
      const calls = emulator.requests.ofKind(kind);
      expect(calls.map((call) => call.status)).toEqual([429, 200]);
      expect(calls[1]!.time - calls[0]!.time).toBeGreaterThanOrEqual(190);
    },
  );

  it('without maxRetryDelayMs one retry waits at most 30 s (seen by onRetry; the caller aborts the wait)', async () => {
    const controller = new AbortController();
    const reason = new Error('no time to wait');
    const retries: RetryInfo[] = [];
    const chat = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
      onRetry: (retry) => {
        retries.push(retry);
        controller.abort(reason);
      },
    });
    emulator.inject({ status: 429, retryAfterSeconds: 3600 });
    const started = performance.now();
    await expect(chat.complete({ ...hello, signal: controller.signal })).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 30_000, requestedDelayMs: 3_600_000, status: 429 },
    ]);
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(1);
  });

  it('retries used up: ModelRequestError that says the server asked for longer than one retry may wait', async () => {
    const retries: RetryInfo[] = [];
    const chat = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
      maxRetries: 1,
      maxRetryDelayMs: 50,
      onRetry: (retry) => retries.push(retry),
    });
    emulator.inject({ status: 429, retryAfterSeconds: 3600 }, { times: 2 });
    const error = await chat.complete(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelRequestError);
    expect(error).toMatchObject({ status: 429 });
    expect((error as Error).message).toMatch(
      /^azure-openai\/gpt-4o: request failed with status 429 after 1 retry: .* The server asked to wait 3600 s before trying again, longer than one retry may wait \(maxRetryDelayMs, 50 ms\): try again later\.$/,
    );
    expect(retries).toHaveLength(1);
    expect(emulator.requests.ofKind('azure-openai').map((call) => call.status)).toEqual([429, 429]);
  });

  it('a 500 without retry-after: a short backoff, no requested delay', async () => {
    const retries: RetryInfo[] = [];
    const chat = await createChatModel('openai/gpt-4.1', {
      env: { ...emulator.env, ...emulator.keyEnv },
      onRetry: (retry) => retries.push(retry),
    });
    emulator.inject({ status: 500 }, { kinds: ['openai'] });
    expect((await chat.complete(hello)).text).toBe('pong');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, status: 500 });
    expect(retries[0]?.requestedDelayMs).toBeUndefined();
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(375);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(500);
  });

  it('a connection reset is retried and named by its code; a failing onRetry changes nothing', async () => {
    const retries: RetryInfo[] = [];
    const chat = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
      onRetry: (retry) => {
        retries.push(retry);
        throw new Error('listener failure');
      },
    });
    emulator.inject({ reset: true });
    expect((await chat.complete(hello)).text).toBe('pong');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.status).toBeUndefined();
    expect(retries[0]?.code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
  });

  it('maxRetries: 0 sends once', async () => {
    const retries: RetryInfo[] = [];
    const chat = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv },
      maxRetries: 0,
      onRetry: (retry) => retries.push(retry),
    });
    emulator.inject({ status: 503 });
    await expect(chat.complete(hello)).rejects.toMatchObject({
      name: 'ModelRequestError',
      status: 503,
    });
    expect(retries).toEqual([]);
    expect(emulator.requests.ofKind('azure-openai')).toHaveLength(1);
  });
});
