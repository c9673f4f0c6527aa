// The host's model server and the container's client of it, over a real unix socket: what a
// container that was taken over could send it.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedChatModel } from '@bots/core/testing';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { MODEL_ROUTE } from './agent/host-channel-protocol.js';
import { hostChatModel } from './agent/host-model.js';
import { type ModelServer, startModelServer } from './model-server.js';

let folder: string;
let server: ModelServer | undefined;
const run = new AbortController();

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'bots-model-server-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(folder, { recursive: true, force: true });
});

function post(
  path: string,
  body: string,
  method = 'POST',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { socketPath: join(folder, 'model.sock'), path, method },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

test('the container gets the reply and usage; the host made the call with what the container sent', async () => {
  const model = new ScriptedChatModel({
    replies: ['{"task_done": true, "thoughts": "hi", "command": ""}'],
  });
  server = await startModelServer({
    model,
    path: join(folder, 'model.sock'),
    maxCalls: 5,
    signal: run.signal,
  });
  const client = hostChatModel({
    socketPath: join(folder, 'model.sock'),
    model: 'azure-openai/gpt-4o',
  });
  const reply = await client.complete({
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'Task: x' },
    ],
    json: true,
    temperature: 0.2,
  });
  expect(reply.text).toBe('{"task_done": true, "thoughts": "hi", "command": ""}');
  expect(model.calls[0]).toMatchObject({
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'Task: x' },
    ],
    json: true,
    temperature: 0.2,
  });
  expect([client.provider, client.name]).toEqual(['azure-openai', 'gpt-4o']);
});

test("the host's model error reaches the container with its name; secrets in it are masked", async () => {
  const model = {
    provider: 'azure-openai' as const,
    name: 'x',
    async complete(): Promise<never> {
      throw Object.assign(
        new Error('401 for Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'),
        {
          name: 'ModelAuthenticationError',
        },
      );
    },
  };
  server = await startModelServer({
    model,
    path: join(folder, 'model.sock'),
    maxCalls: 5,
    signal: run.signal,
  });
  const client = hostChatModel({ socketPath: join(folder, 'model.sock') });
  const failure = await client
    .complete({ messages: [{ role: 'user', content: 'x' }] })
    .catch((error) => error);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).name).toBe('ModelAuthenticationError');
  expect((failure as Error).message).toMatch(/^401 for /);
  expect((failure as Error).message).not.toContain('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0');
});

test('a container that was taken over gets no more model calls than the run has', async () => {
  const model = new ScriptedChatModel({ replies: () => 'ok' });
  server = await startModelServer({
    model,
    path: join(folder, 'model.sock'),
    maxCalls: 3,
    signal: run.signal,
  });
  const call = JSON.stringify({ messages: [{ role: 'user', content: 'spend' }] });
  const statuses: number[] = [];
  for (let index = 0; index < 6; index++) statuses.push((await post(MODEL_ROUTE, call)).status);
  expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
  expect(model.calls).toHaveLength(3);
  expect(JSON.parse((await post(MODEL_ROUTE, call)).body)).toEqual({
    error: {
      name: 'MaxIterationsError',
      message: 'The browser agent asked for more than its 3 model calls.',
    },
  });
});

test('malformed calls, other routes and oversized bodies are refused without a model call', async () => {
  const model = new ScriptedChatModel({ replies: () => 'ok' });
  server = await startModelServer({
    model,
    path: join(folder, 'model.sock'),
    maxCalls: 50,
    signal: run.signal,
  });
  expect((await post(MODEL_ROUTE, 'not json')).status).toBe(400);
  expect((await post(MODEL_ROUTE, '{"messages": []}')).status).toBe(400);
  expect((await post(MODEL_ROUTE, '{"messages": [{"role": "tool", "content": "x"}]}')).status).toBe(
    400,
  );
  expect((await post(MODEL_ROUTE, '{"messages": [{"role": "user", "content": 5}]}')).status).toBe(
    400,
  );
  expect(
    (await post(MODEL_ROUTE, '{"messages": [{"role": "user", "content": "x"}], "json": "yes"}'))
      .status,
  ).toBe(400);
  expect((await post('/v1/other', '{}')).status).toBe(404);
  expect((await post(MODEL_ROUTE, '', 'GET')).status).toBe(404);
  const huge = JSON.stringify({
    messages: [{ role: 'user', content: 'x'.repeat(9 * 1024 * 1024) }],
  });
  expect((await post(MODEL_ROUTE, huge).catch(() => ({ status: 413 }))).status).toBe(413);
  expect(model.calls).toHaveLength(0);
});

test('the run ending aborts the call in flight; a container that goes away aborts its call', async () => {
  let seen: AbortSignal | undefined;
  const model = {
    provider: 'azure-openai' as const,
    name: 'x',
    complete: (chatRequest: { signal?: AbortSignal }) =>
      new Promise<never>((_, reject) => {
        seen = chatRequest.signal;
        chatRequest.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      }),
  };
  const controller = new AbortController();
  server = await startModelServer({
    model,
    path: join(folder, 'model.sock'),
    maxCalls: 5,
    signal: controller.signal,
  });
  const client = hostChatModel({ socketPath: join(folder, 'model.sock') });
  const gone = new AbortController();
  const pending = client
    .complete({ messages: [{ role: 'user', content: 'x' }], signal: gone.signal })
    .catch((error) => error);
  while (!seen) await new Promise((resolve) => setTimeout(resolve, 10));
  gone.abort();
  await pending;
  // The socket's close reaches the host a moment later.
  await vi.waitFor(() => expect(seen?.aborted).toBe(true), { timeout: 10_000 });
  seen = undefined;
  const second = client
    .complete({ messages: [{ role: 'user', content: 'x' }] })
    .catch((error) => error);
  while (!seen) await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort(new Error('run ended'));
  expect(await second).toBeInstanceOf(Error);
  expect((seen as AbortSignal | undefined)?.aborted).toBe(true);
});
