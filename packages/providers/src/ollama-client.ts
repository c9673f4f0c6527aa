import type { ChatRequest, ChatResponse } from './chat-model.js';
import type { ModelConnection } from './model-connection.js';
import type { SendRequest } from './provider-chat-model.js';

/**
 * An HTTP error from Ollama, shaped like the SDKs' errors (`status`, `headers`) for the common
 * handling and retries.
 */
class OllamaHttpError extends Error {
  readonly status: number;
  readonly headers: Headers;
  constructor(status: number, message: string, headers: Headers) {
    super(message);
    this.name = 'OllamaHttpError';
    this.status = status;
    this.headers = headers;
  }
}

interface OllamaChatReply {
  message?: { content?: string };
  prompt_eval_count?: number;
  eval_count?: number;
  done_reason?: string;
  error?: string;
}

/**
 * The request function for a local Ollama server: `POST /api/chat` with `stream: false`, no auth.
 * JSON mode is `format: "json"`. Retries and the request timeout are `ProviderChatModel`'s.
 */
export function ollamaSender(
  connection: ModelConnection,
  transport: { fetch?: typeof globalThis.fetch },
): SendRequest {
  const fetchImpl = transport.fetch ?? globalThis.fetch;
  return async (request: ChatRequest): Promise<ChatResponse> => {
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens;
    const response = await fetchImpl(`${connection.endpoint}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        model: connection.model,
        messages: request.messages.map((message) => ({
          role: message.role,
          content: message.content,
        })),
        stream: false,
        ...(request.json ? { format: 'json' } : {}),
        ...(Object.keys(options).length ? { options } : {}),
      }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const body = await response.text();
    let reply: OllamaChatReply | undefined;
    try {
      reply = JSON.parse(body) as OllamaChatReply;
    } catch {
      reply = undefined;
    }
    if (!response.ok) {
      throw new OllamaHttpError(
        response.status,
        reply?.error ?? body.slice(0, 500),
        response.headers,
      );
    }
    if (!reply) throw new Error('Ollama answered with a body that is not JSON.');
    const usage =
      typeof reply.prompt_eval_count === 'number' || typeof reply.eval_count === 'number'
        ? { inputTokens: reply.prompt_eval_count ?? 0, outputTokens: reply.eval_count ?? 0 }
        : undefined;
    const finishReason = reply.done_reason;
    return {
      text: reply.message?.content ?? '',
      ...(usage ? { usage } : {}),
      ...(typeof finishReason === 'string' ? { finishReason } : {}),
    };
  };
}
