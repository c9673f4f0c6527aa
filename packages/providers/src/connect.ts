import { MAX_TIMER_MS } from '@bots/auth';
import type { ChatModel, ChatModelConnection } from './chat-model.js';
import {
  type CheckedChatModelOptions,
  CONNECT_OPTION_NAMES,
  type ConnectOptions,
  checkChatModelOptions,
} from './chat-model-options.js';
import type { ModelConnection, ResolvedConnection } from './model-connection.js';
import { ProviderChatModel } from './provider-chat-model.js';
import type { ClientTransportOptions } from './provider-definition.js';
import { builtInProviders, providerNamed } from './provider-registry.js';

export type { ConnectOptions } from './chat-model-options.js';

/** Extra time the SDK's own timeout gets, so that ours fires first and names the endpoint. */
const SDK_TIMEOUT_GRACE_MS = 5_000;

/**
 * Builds the chat model for a resolved connection: the provider's definition builds the client
 * (the SDK is imported now, not when `@bots/providers` is), and `ProviderChatModel` adds the one
 * retry layer, the request timeout and, with a token provider, one retry with a fresh token
 * after a 401.
 *
 * @example
 * const model = await connect(await resolveConnection('azure-openai/gpt-4o'));
 */
export async function connect(
  resolved: ResolvedConnection,
  options: ConnectOptions = {},
): Promise<ChatModel> {
  return connectChecked(
    resolved,
    checkChatModelOptions(options, 'connect options', CONNECT_OPTION_NAMES),
  );
}

/** {@link connect} with options already checked (by `createChatModel`). */
export async function connectChecked(
  resolved: ResolvedConnection,
  checked: CheckedChatModelOptions,
): Promise<ChatModel> {
  const { connection, tokenProvider } = resolved;
  const definition = providerNamed(connection.provider, checked.providers ?? builtInProviders);
  const transport: ClientTransportOptions = {
    timeoutMs: Math.min(checked.policy.requestTimeoutMs + SDK_TIMEOUT_GRACE_MS, MAX_TIMER_MS),
    ...(checked.fetch ? { fetch: checked.fetch } : {}),
  };
  const apiKey = resolved.apiKey();
  const send = await definition.createSender(
    connection,
    {
      ...(tokenProvider ? { tokenProvider } : {}),
      ...(apiKey ? { apiKey } : {}),
    },
    transport,
  );
  return new ProviderChatModel({
    provider: connection.provider,
    name: connection.model,
    connection: chatModelConnection(connection),
    send,
    policy: checked.policy,
    ...(tokenProvider ? { tokenProvider } : {}),
    ...(definition.unreachableHint ? { unreachableHint: definition.unreachableHint } : {}),
  });
}

/** The part of a connection `ChatModel.connection` shows (what it showed before connections were values). */
function chatModelConnection(connection: ModelConnection): ChatModelConnection {
  return {
    endpoint: connection.endpoint,
    auth: connection.auth,
    client: connection.client,
    ...(connection.keyFrom ? { keyFrom: connection.keyFrom } : {}),
    ...(connection.wireApi ? { wireApi: connection.wireApi } : {}),
    ...(connection.apiVersion ? { apiVersion: connection.apiVersion } : {}),
    ...(connection.note ? { note: connection.note } : {}),
  };
}
