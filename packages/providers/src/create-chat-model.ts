import {
  type Env,
  registerSecret,
  type TokenProvider,
  type TokenProviderLike,
  tokenProviderFromEnv,
  toTokenProvider,
} from '@bots/auth';
import { anthropicSender, createAnthropicClient } from './anthropic-client.js';
import type { ChatModel, ChatModelConnection } from './chat-model.js';
import { type ConnectionPlan, planConnection, tokenScopeFor } from './connection-plan.js';
import { environmentVariables } from './environment-variables.js';
import { parseModel } from './model-string.js';
import { ollamaSender } from './ollama-client.js';
import { type ClientTransportOptions, createOpenAIClient, openAISender } from './openai-client.js';
import { ProviderChatModel, type SendRequest } from './provider-chat-model.js';
import { resolveProviderSettings, type WireApi } from './provider-settings.js';
import { acceptsTokenProvider } from './selection-table.js';

/** Options of {@link createChatModel}. */
export interface CreateChatModelOptions {
  /** Where configuration is read from, once, at creation (default `process.env`). */
  env?: Env;
  /**
   * A bearer-token provider (`() => Promise<string>`, or `() => string`), e.g. `@azure/identity`'s
   * `getBearerTokenProvider(credential, scope)`. Wins over `AZURE_AUTH_METHOD` and over any key in
   * the env. Used by `azure-openai` and `anthropic`; ignored by `openai` and `ollama-local`.
   */
  tokenProvider?: TokenProviderLike;
  /** `completions` (default) or `responses`, for `azure-openai` and `openai`. Wins over `OPEN_AI_WIRE_API`. */
  wireApi?: WireApi;
  /** Retries of the SDK for 408/429/5xx and connection errors (SDK default 2). */
  maxRetries?: number;
  /** Timeout of one HTTP request in milliseconds (SDK default 10 minutes). */
  timeoutMs?: number;
  /** A `fetch` to send requests with (proxies, instrumentation). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
}

/**
 * Builds the chat model a model string names, choosing the client by the selection table
 * (`selectionTable`): a token provider (the `tokenProvider` option, else the one
 * `AZURE_AUTH_METHOD` opts into) or an API key from the env. Everything that would fail on the
 * first call fails here with a `ConfigurationError` that says what to set. The SDKs are imported
 * on first use, not when `@bots/providers` is imported.
 *
 * @example
 * const model = await createChatModel('azure-openai/gpt-4o', { env: process.env });
 * const { text } = await model.complete({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export async function createChatModel(
  model: string,
  options: CreateChatModelOptions = {},
): Promise<ChatModel> {
  const env = options.env ?? process.env;
  for (const variable of environmentVariables) {
    if (variable.secret) registerSecret(env[variable.name]?.trim());
  }
  const parsed = parseModel(model);
  const explicit =
    options.tokenProvider !== undefined
      ? toTokenProvider(options.tokenProvider, 'tokenProvider')
      : undefined;
  const settings = resolveProviderSettings(
    parsed.provider,
    env,
    options.wireApi !== undefined ? { wireApi: options.wireApi } : {},
  );

  let tokenProvider: TokenProvider | undefined;
  if (acceptsTokenProvider(parsed.provider)) {
    if (explicit) {
      tokenProvider = explicit;
    } else if (parsed.provider !== 'azure-openai' || settings.endpoint) {
      const scope = tokenScopeFor(settings, env);
      tokenProvider = await tokenProviderFromEnv({
        env,
        provider: parsed.provider,
        ...(scope !== undefined ? { scope } : {}),
      });
    }
  }

  const plan = planConnection(parsed, settings, { hasTokenProvider: tokenProvider !== undefined });
  const apiKey = plan.auth === 'key' ? settings.apiKey?.value : undefined;
  const activeTokenProvider = plan.auth === 'token' ? registering(tokenProvider) : undefined;
  const transport: ClientTransportOptions = {
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const credential = {
    ...(activeTokenProvider ? { tokenProvider: activeTokenProvider } : {}),
    ...(apiKey ? { apiKey } : {}),
  };

  let send: SendRequest;
  switch (parsed.provider) {
    case 'azure-openai':
    case 'openai': {
      const client = await createOpenAIClient(plan, credential, parsed.name, transport);
      send = openAISender(client, parsed.name, plan);
      break;
    }
    case 'anthropic': {
      const client = await createAnthropicClient(plan, credential, transport);
      send = anthropicSender(client, parsed.name);
      break;
    }
    case 'ollama-local':
      send = ollamaSender(plan, parsed.name, transport);
      break;
  }

  return new ProviderChatModel({
    provider: parsed.provider,
    name: parsed.name,
    connection: describeConnection(plan),
    send,
    ...(plan.auth === 'token' && tokenProvider ? { tokenProvider } : {}),
  });
}

/** Registers every token for redaction; `invalidate` stays on the original provider. */
function registering(provider: TokenProvider | undefined): TokenProvider | undefined {
  if (!provider) return undefined;
  return async () => {
    const token = await provider();
    registerSecret(token);
    return token;
  };
}

function describeConnection(plan: ConnectionPlan): ChatModelConnection {
  return {
    endpoint: plan.baseURL,
    auth: plan.auth,
    client: plan.row.client,
    ...(plan.keyFrom ? { keyFrom: plan.keyFrom } : {}),
    ...(plan.wireApi ? { wireApi: plan.wireApi } : {}),
    ...(plan.apiVersion ? { apiVersion: plan.apiVersion } : {}),
  };
}
