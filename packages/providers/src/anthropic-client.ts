import type { Anthropic } from '@anthropic-ai/sdk';
import type { ChatRequest, ChatResponse } from './chat-model.js';
import type { ModelConnection } from './model-connection.js';
import type { SendRequest } from './provider-chat-model.js';
import type { ClientTransportOptions, ConnectionCredential } from './provider-definition.js';

/** `max_tokens` when the request sets none (Anthropic requires one). */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** The part of the Anthropic client we call (shared by `Anthropic` and `AnthropicFoundry`). */
type MessagesClient = Pick<Anthropic, 'messages'>;

/**
 * Builds `AnthropicFoundry({ azureADTokenProvider, baseURL })` with a token provider, else
 * `Anthropic({ apiKey, baseURL })`. Every option the SDKs would read from `process.env`
 * (`ANTHROPIC_FOUNDRY_API_KEY`, `ANTHROPIC_FOUNDRY_RESOURCE`, `ANTHROPIC_BASE_URL`,
 * `ANTHROPIC_AUTH_TOKEN`, ...) is passed explicitly.
 */
export async function createAnthropicClient(
  connection: ModelConnection,
  credential: ConnectionCredential,
  transport: ClientTransportOptions,
): Promise<MessagesClient> {
  const common = {
    baseURL: connection.endpoint,
    webhookKey: null,
    // The one retry layer is ProviderChatModel's (capped waits, onRetry): the SDK's is off.
    maxRetries: 0,
    ...(transport.timeoutMs !== undefined ? { timeout: transport.timeoutMs } : {}),
    ...(transport.fetch ? { fetch: transport.fetch } : {}),
  };
  if (credential.tokenProvider) {
    const { AnthropicFoundry } = await import('@anthropic-ai/foundry-sdk');
    return new AnthropicFoundry({
      ...common,
      resource: null,
      apiKey: null as unknown as undefined,
      azureADTokenProvider: credential.tokenProvider,
    }) as unknown as MessagesClient;
  }
  const { Anthropic } = await import('@anthropic-ai/sdk');
  // The SDK (1.x) sends `apiKey` as `Authorization: Bearer`; send the documented `x-api-key`
  // header instead, which the Anthropic API and Foundry both take.
  return new Anthropic({
    ...common,
    apiKey: credential.apiKey ?? null,
    authToken: null,
    defaultHeaders: { 'x-api-key': credential.apiKey ?? null, Authorization: null },
  });
}

/** The request function: system messages go to `system`, the rest to `messages`. */
export function anthropicSender(client: MessagesClient, name: string): SendRequest {
  return async (request: ChatRequest): Promise<ChatResponse> => {
    const system = request.messages
      .filter((message) => message.role === 'system')
      .map((message) => message.content)
      .join('\n\n');
    const message = await client.messages.create(
      {
        model: name,
        max_tokens: request.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
        ...(system ? { system } : {}),
        messages: request.messages
          .filter((entry) => entry.role !== 'system')
          .map((entry) => ({ role: entry.role as 'user' | 'assistant', content: entry.content })),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      },
      request.signal ? { signal: request.signal } : undefined,
    );
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return {
      text,
      ...(typeof message.stop_reason === 'string' ? { finishReason: message.stop_reason } : {}),
      usage: {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
      },
    };
  };
}
