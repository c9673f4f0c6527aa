import type { ChatRequest, ChatResponse } from './chat-model.js';
import type { ConnectionPlan } from './connection-plan.js';
import type { SendRequest } from './provider-chat-model.js';

/** An HTTP error from Ollama, shaped like the SDKs' errors (`status`) for the common handling. */
class OllamaHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'OllamaHttpError';
    this.status = status;
  }
}

interface OllamaChatReply {
  message?: { content?: string };
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

/**
 * The request function for a local Ollama server: `POST /api/chat` with `stream: false`, no auth.
 * JSON mode is `format: "json"`. No retries: a local server that fails will fail again.
 */
export function ollamaSender(
  plan: ConnectionPlan,
  name: string,
  transport: { fetch?: typeof globalThis.fetch; timeoutMs?: number },
): SendRequest {
  const fetchImpl = transport.fetch ?? globalThis.fetch;
  return async (request: ChatRequest): Promise<ChatResponse> => {
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens;
    const signals = [
      request.signal,
      transport.timeoutMs ? AbortSignal.timeout(transport.timeoutMs) : undefined,
    ].filter((signal): signal is AbortSignal => signal !== undefined);
    const response = await fetchImpl(`${plan.baseURL}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        model: name,
        messages: request.messages.map((message) => ({
          role: message.role,
          content: message.content,
        })),
        stream: false,
        ...(request.json ? { format: 'json' } : {}),
        ...(Object.keys(options).length ? { options } : {}),
      }),
      ...(signals.length
        ? { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }
        : {}),
    });
    const body = await response.text();
    let reply: OllamaChatReply | undefined;
    try {
      reply = JSON.parse(body) as OllamaChatReply;
    } catch {
      reply = undefined;
    }
    if (!response.ok) {
      throw new OllamaHttpError(response.status, reply?.error ?? body.slice(0, 500));
    }
    if (!reply) throw new Error('Ollama answered with a body that is not JSON.');
    const usage =
      typeof reply.prompt_eval_count === 'number' || typeof reply.eval_count === 'number'
        ? { inputTokens: reply.prompt_eval_count ?? 0, outputTokens: reply.eval_count ?? 0 }
        : undefined;
    return { text: reply.message?.content ?? '', ...(usage ? { usage } : {}) };
  };
}
