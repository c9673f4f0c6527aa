import { request } from 'node:http';
import type { ChatModel, ChatRequest, ChatResponse, ModelConnection } from '@bots/providers';
import { MODEL_ROUTE, type ModelCall, type ModelReply } from './host-channel-protocol.js';

/**
 * The container's `ChatModel`: each call goes to the host's model server over its unix socket;
 * the host makes the model call with its credential. Its provider, name and connection are the
 * host's (`BOTS_CONNECTION`, the serialisable connection the host resolved; else `BOTS_MODEL`).
 * Errors come back with the host's name (`ModelAuthenticationError`, `ModelTimeoutError`, ...)
 * and message.
 */
export function hostChatModel(options: {
  socketPath: string;
  model?: string;
  /** The host's `ModelConnection` as JSON. */
  connection?: string;
}): ChatModel {
  const connection = parseConnection(options.connection);
  const [provider = 'host', ...rest] = (options.model ?? 'host/host').split('/');
  return {
    provider: connection?.provider ?? provider,
    name: connection?.model ?? (rest.join('/') || 'host'),
    ...(connection ? { connection } : {}),
    complete: (chatRequest: ChatRequest) => callHost(options.socketPath, chatRequest),
  };
}

function parseConnection(text: string | undefined): ModelConnection | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ModelConnection> | null;
    return value && typeof value.provider === 'string' && typeof value.model === 'string'
      ? (value as ModelConnection)
      : undefined;
  } catch {
    return undefined;
  }
}

function callHost(socketPath: string, chatRequest: ChatRequest): Promise<ChatResponse> {
  const call: ModelCall = {
    messages: chatRequest.messages.map((message) => ({
      role: message.role,
      content: message.content,
    })),
    ...(chatRequest.json === undefined ? {} : { json: chatRequest.json }),
    ...(chatRequest.temperature === undefined ? {} : { temperature: chatRequest.temperature }),
    ...(chatRequest.maxOutputTokens === undefined
      ? {}
      : { maxOutputTokens: chatRequest.maxOutputTokens }),
  };
  const body = JSON.stringify(call);
  return new Promise<ChatResponse>((resolve, reject) => {
    const outgoing = request(
      {
        socketPath,
        path: MODEL_ROUTE,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(chatRequest.signal ? { signal: chatRequest.signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          let reply: ModelReply;
          try {
            reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ModelReply;
          } catch {
            reject(
              new Error(`The host's model server answered ${response.statusCode} without JSON.`),
            );
            return;
          }
          if ('error' in reply)
            reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
          else resolve({ text: reply.text, ...(reply.usage ? { usage: reply.usage } : {}) });
        });
      },
    );
    outgoing.on('error', (error) =>
      reject(
        chatRequest.signal?.aborted
          ? error
          : new Error(
              `The host's model server at ${socketPath} is not reachable: ${error.message}`,
            ),
      ),
    );
    outgoing.end(body);
  });
}
