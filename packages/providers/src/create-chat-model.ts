import {
  MAX_TIMER_MS,
  registerSecret,
  resolveAuthMethod,
  type TokenProvider,
  tokenProviderFromEnv,
  toTokenProvider,
} from '@bots/auth';
import { anthropicSender, createAnthropicClient } from './anthropic-client.js';
import type { ChatModel, ChatModelConnection } from './chat-model.js';
import { type CreateChatModelOptions, checkChatModelOptions } from './chat-model-options.js';
import { type ConnectionPlan, planConnection, tokenScopeFor } from './connection-plan.js';
import { environmentVariables } from './environment-variables.js';
import { parseModel } from './model-string.js';
import { ollamaSender } from './ollama-client.js';
import { type ClientTransportOptions, createOpenAIClient, openAISender } from './openai-client.js';
import { ProviderChatModel, type SendRequest } from './provider-chat-model.js';
import { type ProviderSettings, resolveProviderSettings } from './provider-settings.js';
import { acceptsTokenProvider } from './selection-table.js';

export type { CreateChatModelOptions } from './chat-model-options.js';

/** Extra time the SDK's own timeout gets, so that ours fires first and names the endpoint. */
const SDK_TIMEOUT_GRACE_MS = 5_000;

/**
 * Builds the chat model a model string names, choosing the client by the selection table
 * (`selectionTable`): a token provider (the `tokenProvider` option, else the one
 * `AZURE_AUTH_METHOD` opts into) or an API key from the env. Everything that would fail on the
 * first call fails here with a `ConfigurationError` that says what to set (`MissingCredentialsError`
 * when there is neither key nor token). The SDKs are imported on first use, not when
 * `@bots/providers` is imported.
 *
 * @example
 * const model = await createChatModel('azure-openai/gpt-4o', { env: process.env });
 * const { text } = await model.complete({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export async function createChatModel(
  model: string,
  options: CreateChatModelOptions = {},
): Promise<ChatModel> {
  const checked = checkChatModelOptions(options);
  const { env } = checked;
  for (const variable of environmentVariables) {
    const value = env[variable.name];
    if (variable.secret && typeof value === 'string') registerSecret(value.trim());
  }
  const parsed = parseModel(model);
  const explicit =
    checked.tokenProvider !== undefined
      ? toTokenProvider(checked.tokenProvider, 'tokenProvider')
      : undefined;
  const settings = resolveProviderSettings(parsed.provider, env, {
    ...(checked.wireApi !== undefined ? { wireApi: checked.wireApi } : {}),
    ...(checked.onWarning ? { onWarning: checked.onWarning } : {}),
  });

  let tokenProvider: TokenProvider | undefined;
  let note: string | undefined;
  if (acceptsTokenProvider(parsed.provider)) {
    if (explicit) {
      tokenProvider = explicit;
    } else if (parsed.provider !== 'azure-openai' || settings.endpoint) {
      const scope = tokenScopeFor(settings, env);
      const keyInstead = keyWithoutScope(settings, scope, env);
      if (keyInstead) note = keyInstead;
      else {
        tokenProvider = await tokenProviderFromEnv({
          env,
          provider: parsed.provider,
          ...(scope !== undefined ? { scope } : {}),
        });
      }
    }
  }

  const plan = planConnection(parsed, settings, {
    hasTokenProvider: tokenProvider !== undefined,
    env,
    ...(checked.allowPlainHttpKey !== undefined
      ? { allowPlainHttpKey: checked.allowPlainHttpKey }
      : {}),
  });
  const apiKey = plan.auth === 'key' ? settings.apiKey?.value : undefined;
  const activeTokenProvider = plan.auth === 'token' ? registering(tokenProvider) : undefined;
  const transport: ClientTransportOptions = {
    timeoutMs: Math.min(checked.policy.requestTimeoutMs + SDK_TIMEOUT_GRACE_MS, MAX_TIMER_MS),
    ...(checked.fetch ? { fetch: checked.fetch } : {}),
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
    connection: describeConnection(plan, plan.auth === 'key' ? note : undefined),
    send,
    policy: checked.policy,
    ...(plan.auth === 'token' && tokenProvider ? { tokenProvider } : {}),
  });
}

/**
 * With `AZURE_AUTH_METHOD` set but no scope for a provider whose scope cannot be inferred
 * (`anthropic`) and a key in the env, the key is used: the method gives tokens to `azure-openai`
 * only. Returns the note that says so, or `undefined` when the token path applies.
 */
function keyWithoutScope(
  settings: ProviderSettings,
  scope: string | undefined,
  env: CreateChatModelOptions['env'] & object,
): string | undefined {
  if (settings.provider !== 'anthropic' || scope !== undefined || !settings.apiKey)
    return undefined;
  const method = resolveAuthMethod(env);
  if (method === 'api_key') return undefined;
  return `AZURE_AUTH_METHOD=${method} gives tokens to azure-openai only (the anthropic scope cannot be inferred), so anthropic uses the key from ${settings.apiKey.from}; set AZURE_AUTH_SCOPE to use a token instead.`;
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

function describeConnection(plan: ConnectionPlan, note: string | undefined): ChatModelConnection {
  return {
    endpoint: plan.baseURL,
    auth: plan.auth,
    client: plan.row.client,
    ...(plan.keyFrom ? { keyFrom: plan.keyFrom } : {}),
    ...(plan.wireApi ? { wireApi: plan.wireApi } : {}),
    ...(plan.apiVersion ? { apiVersion: plan.apiVersion } : {}),
    ...(note ? { note } : {}),
  };
}
