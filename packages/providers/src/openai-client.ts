import type { TokenProvider } from '@bots/auth';
import type { OpenAI } from 'openai';
import type { ChatRequest, ChatResponse } from './chat-model.js';
import type { ConnectionPlan } from './connection-plan.js';
import type { SendRequest } from './provider-chat-model.js';

/** What every SDK client gets from `createChatModel`'s options. */
export interface ClientTransportOptions {
  /** The SDK's own timeout: a backstop a little past `requestTimeoutMs`, which decides. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Builds the OpenAI-shaped client for a plan (Azure OpenAI dated or v1 API, or OpenAI). Every
 * option the SDK would otherwise read from `process.env` is passed explicitly, so only the
 * injected env decides: `apiKey` (also `null` beside a token provider, so `AZURE_OPENAI_API_KEY`
 * in `process.env` is never read), `baseURL`, `apiVersion`, `organization`, `project`,
 * `adminAPIKey`, `webhookSecret`.
 */
export async function createOpenAIClient(
  plan: ConnectionPlan,
  credential: { tokenProvider?: TokenProvider; apiKey?: string },
  name: string,
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
  if (plan.azureApi === 'deployments') {
    return new AzureOpenAI({
      ...common,
      baseURL: null,
      endpoint: plan.baseURL,
      apiVersion: plan.apiVersion,
      deployment: name,
      ...(credential.tokenProvider
        ? { azureADTokenProvider: credential.tokenProvider, apiKey: null as unknown as undefined }
        : { apiKey: credential.apiKey }),
    });
  }
  if (plan.azureApi === 'v1' && !credential.tokenProvider) {
    // Azure takes its keys in the `api-key` header on every API; send no bearer key.
    return new OpenAI({
      ...common,
      baseURL: plan.baseURL,
      apiKey: credential.apiKey ?? null,
      defaultHeaders: { 'api-key': credential.apiKey, Authorization: null },
    });
  }
  return new OpenAI({
    ...common,
    baseURL: plan.baseURL,
    apiKey: credential.tokenProvider ?? credential.apiKey ?? null,
  });
}

/** The request function for the plan's wire API. */
export function openAISender(client: OpenAI, name: string, plan: ConnectionPlan): SendRequest {
  return plan.wireApi === 'responses'
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
  return {
    text,
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
  return {
    text,
    ...(usage
      ? { usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens } }
      : {}),
  };
}
