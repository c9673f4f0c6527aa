import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { redact } from '@bots/auth';
import type { ChatModel, ChatRequest } from '@bots/providers';
import {
  MAX_MODEL_CALL_BYTES,
  MODEL_ROUTE,
  type ModelCall,
  type ModelReply,
} from './agent/host-channel-protocol.js';

/** Options of {@link startModelServer}. */
export interface ModelServerOptions {
  /** The run's model; its credential never leaves this process. */
  model: ChatModel;
  /** The unix socket to listen on. */
  path: string;
  /** Most calls it answers (the agent's `maxSteps`); later ones get 429. */
  maxCalls: number;
  /** Aborts calls in flight (the run ended). */
  signal: AbortSignal;
}

/** The running model server. */
export interface ModelServer {
  /** Calls answered (successfully or not). */
  readonly calls: number;
  close(): Promise<void>;
}

const ROLES = new Set(['system', 'user', 'assistant']);

/** The call as sent, checked; or what is wrong with it. */
export function parseModelCall(body: unknown): ModelCall | string {
  if (typeof body !== 'object' || body === null) return 'the body is not a JSON object';
  const { messages, json, temperature, maxOutputTokens } = body as Record<string, unknown>;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > 2_000)
    return 'messages must be a non-empty array';
  for (const message of messages) {
    const { role, content } = (message ?? {}) as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role) || typeof content !== 'string')
      return 'each message needs a role (system, user or assistant) and a string content';
  }
  if (json !== undefined && typeof json !== 'boolean') return 'json must be a boolean';
  if (
    temperature !== undefined &&
    (typeof temperature !== 'number' || !Number.isFinite(temperature))
  )
    return 'temperature must be a number';
  if (maxOutputTokens !== undefined && !Number.isSafeInteger(maxOutputTokens))
    return 'maxOutputTokens must be an integer';
  return body as ModelCall;
}

function send(response: ServerResponse, status: number, reply: ModelReply): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(reply));
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_MODEL_CALL_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves the run's model to the browser container over a unix socket: `POST /v1/complete` with
 * the conversation; this process calls `model.complete()` (its token provider, its 401 retry, its
 * timeouts) and answers with the reply or the error. At most `maxCalls` calls: a container that
 * was taken over cannot spend more than the run would have.
 */
export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  let calls = 0;
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST' || request.url !== MODEL_ROUTE) {
      send(response, 404, { error: { name: 'NotFound', message: `Only POST ${MODEL_ROUTE}.` } });
      return;
    }
    const text = await readBody(request);
    if (text === undefined) {
      send(response, 413, {
        error: { name: 'ModelCallError', message: 'The model call is too large.' },
      });
      return;
    }
    let parsed: ModelCall | string;
    try {
      parsed = parseModelCall(JSON.parse(text));
    } catch {
      parsed = 'the body is not JSON';
    }
    if (typeof parsed === 'string') {
      send(response, 400, {
        error: { name: 'ModelCallError', message: `Bad model call: ${parsed}.` },
      });
      return;
    }
    if (calls >= options.maxCalls) {
      send(response, 429, {
        error: {
          name: 'MaxIterationsError',
          message: `The browser agent asked for more than its ${options.maxCalls} model calls.`,
        },
      });
      return;
    }
    calls++;
    const local = new AbortController();
    const onClose = () => {
      if (!response.writableFinished) local.abort(new Error('The browser container went away.'));
    };
    response.on('close', onClose);
    try {
      const chatRequest: ChatRequest = {
        messages: parsed.messages,
        signal: AbortSignal.any([options.signal, local.signal]),
        ...(parsed.json === undefined ? {} : { json: parsed.json }),
        ...(parsed.temperature === undefined ? {} : { temperature: parsed.temperature }),
        ...(parsed.maxOutputTokens === undefined
          ? {}
          : { maxOutputTokens: parsed.maxOutputTokens }),
      };
      const reply = await options.model.complete(chatRequest);
      send(response, 200, { text: reply.text, ...(reply.usage ? { usage: reply.usage } : {}) });
    } catch (error) {
      const name =
        error instanceof Error && error.name !== 'Error' ? error.name : 'ModelRequestError';
      const message = redact(error instanceof Error ? error.message : String(error));
      if (!response.headersSent) send(response, 502, { error: { name, message } });
    } finally {
      response.off('close', onClose);
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.path, () => resolve());
  });
  server.unref();
  return {
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
