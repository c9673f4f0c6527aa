import { type Env, resolveAuthMethod } from '@bots/auth';
import {
  type ChatModel,
  type ChatModelConnection,
  createChatModel,
  parseModel,
} from '@bots/providers';

/**
 * Builds the chat model now, so that a bad model string or missing credentials fail before any
 * sandbox starts, as a `ConfigurationError` (exit code 2) that says what to set.
 */
export async function createModel(model: string, env: Env): Promise<ChatModel> {
  parseModel(model);
  return createChatModel(model, { env });
}

/** How the model is reached, in one line without secrets. */
export function describeConnection(
  model: ChatModel,
  env: Env,
  connection: ChatModelConnection | undefined = model.connection,
): string {
  const name = `${model.provider}/${model.name}`;
  if (!connection) return name;
  const auth =
    connection.auth === 'token'
      ? `Entra ID token (AZURE_AUTH_METHOD=${resolveAuthMethod(env)})`
      : connection.auth === 'key'
        ? `API key from ${connection.keyFrom ?? 'the environment'}`
        : 'no auth';
  const version = connection.apiVersion ? `, api-version ${connection.apiVersion}` : '';
  return `${name} at ${connection.endpoint}${version}, ${auth}`;
}
