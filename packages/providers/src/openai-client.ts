import type { OpenAI } from 'openai';
import type { ChatRequest, ChatResponse } from './chat-model.js';
import type { ModelConnection } from './model-connection.js';
import type { SendRequest } from './provider-chat-model.js';
import type { ClientTransportOptions, ConnectionCredential } from './provider-definition.js';

export type { ClientTransportOptions } from './provider-definition.js';

/**
 * Builds the OpenAI-shaped client for a connection (Azure OpenAI dated or v1 API, or OpenAI). Every
 * option the SDK would otherwise read from `process.env` is passed explicitly, so only the
 * injected env decides: `apiKey` (also `null` beside a token provider, so `AZURE_OPENAI_API_KEY`
 * in `process.env` is never read), `baseURL`, `apiVersion`, `organization`, `project`,
 * `adminAPIKey`, `webhookSecret`.
 */
export async function createOpenAIClient(
  connection: ModelConnection,
  credential: ConnectionCredential,
  transport: ClientTransportOptions,
): Promise<OpenAI> {
  const { AzureOpenAI, OpenAI } = await import('openai');
  const common = {
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    // The one retry layer is ProviderChatModel's (capped waits, onRetry): the SDK's is off.
    maxRetries: 0,
    ...(transport.timeoutMs !== undefined ? { timeout: transport.timeoutMs } : {}),
    ...(transport.fetch ? { fetch: transport.fetch } : {}),
  };
  if (connection.api === 'deployments') {
    return new AzureOpenAI({
      ...common,
      baseURL: null,
      endpoint: connection.endpoint,
      apiVersion: connection.apiVersion,
      deployment: connection.model,
      ...(credential.tokenProvider
        ? { azureADTokenProvider: credential.tokenProvider, apiKey: null as unknown as undefined }
        : { apiKey: credential.apiKey }),
    });
  }
  if (connection.api === 'v1' && !credential.tokenProvider) {
    // Azure takes its keys in the `api-key` header on every API; send no bearer key.
    return new OpenAI({
      ...common,
      baseURL: connection.endpoint,
      apiKey: credential.apiKey ?? null,
      defaultHeaders: { 'api-key': credential.apiKey, Authorization: null },
    });
  }
  return new OpenAI({
    ...common,
    baseURL: connection.endpoint,
    apiKey: credential.tokenProvider ?? credential.apiKey ?? null,
  });
}

/** The request function for the connection's wire API. */
export function openAISender(client: OpenAI, connection: ModelConnection): SendRequest {
  const name = connection.model;
  return connection.wireApi === 'responses'
    ? (request) => sendResponses(client, name, request)
    : (request) => sendCompletions(client, name, request);
}

async function sendCompletions(
  client: OpenAI,
  name: string,
  request: ChatRequest,
): Promise<ChatResponse> {
  const completion = await client.chat.completions.create(
    {
      model: name,
      messages: request.messages.map((message) => ({
        role: message.role,
        content: message.content,
      })),
      ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxOutputTokens !== undefined
        ? { max_completion_tokens: request.maxOutputTokens }
        : {}),
    },
    request.signal ? { signal: request.signal } : undefined,
  );
  const text = completion.choices?.[0]?.message?.content ?? '';
  const usage = completion.usage;
  const finishReason = completion.choices?.[0]?.finish_reason;
  return {
    text,
    ...(typeof finishReason === 'string' ? { finishReason } : {}),
    ...(usage
      ? { usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } }
      : {}),
  };
}

async function sendResponses(
  client: OpenAI,
  name: string,
  request: ChatRequest,
): Promise<ChatResponse> {
  const response = await client.responses.create(
    {
      model: name,
      input: request.messages.map((message) => ({
        type: 'message' as const,
        role: message.role,
        content: message.content,
      })),
      ...(request.json ? { text: { format: { type: 'json_object' as const } } } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxOutputTokens !== undefined
        ? { max_output_tokens: request.maxOutputTokens }
        : {}),
    },
    request.signal ? { signal: request.signal } : undefined,
  );
  const text =
    typeof response.output_text === 'string' && response.output_text !== ''
      ? response.output_text
      : (response.output ?? [])
          .flatMap((item) => (item.type === 'message' ? item.content : []))
          .map((part) => (part.type === 'output_text' ? part.text : ''))
          .join('');
  const usage = response.usage;
  const finishReason = response.incomplete_details?.reason ?? response.status;
  return {
    text,
    ...(typeof finishReason === 'string' ? { finishReason } : {}),
    ...(usage
      ? { usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens } }
      : {}),
  };
}
