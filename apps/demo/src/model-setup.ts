import { ConfigurationError, describeAuthMethods, type Env, resolveAuthMethods } from '@bots/auth';
import {
  type ChatModel,
  type ChatModelConnection,
  type CreateChatModelOptions,
  connect,
  createChatModel,
  MissingCredentialsError,
  type ModelConnection,
  resolveConnection,
} from '@bots/providers';
import { missingCredentialsMessage } from './cli-wording.js';

/** What the CLI passes to `createChatModel` besides the env: `--request-timeout`, and `onRetry` to print each retry. */
export type ModelSetup = Required<Pick<CreateChatModelOptions, 'requestTimeoutMs' | 'onRetry'>>;

/**
 * Builds the chat model now, so that a bad model string or missing credentials fail before any
 * sandbox starts, as a `ConfigurationError` (exit code 2) that says what to set, in a CLI user's
 * terms.
 */
export async function createModel(model: string, env: Env, setup: ModelSetup): Promise<ChatModel> {
  try {
    return await createChatModel(model, { env, ...setup });
  } catch (error) {
    if (error instanceof MissingCredentialsError) {
      throw new ConfigurationError(missingCredentialsMessage(error, model), { cause: error });
    }
    throw error;
  }
}

/**
 * `createModel`, keeping the connection `resolveConnection` decided (provider, endpoint, api
 * version, wire API, auth kind, scope, the variable of the key; never a secret), for `bots doctor`.
 */
export async function resolveModel(
  model: string,
  env: Env,
  setup: ModelSetup,
): Promise<{ model: ChatModel; connection: ModelConnection }> {
  try {
    const resolved = await resolveConnection(model, { env });
    return { model: await connect(resolved, setup), connection: resolved.connection };
  } catch (error) {
    if (error instanceof MissingCredentialsError) {
      throw new ConfigurationError(missingCredentialsMessage(error, model), { cause: error });
    }
    throw error;
  }
}

/** The serialisable connection as one line of `name value` pairs, in a fixed order. */
export function connectionLine(connection: ModelConnection): string {
  const parts: [string, string | undefined][] = [
    ['provider', connection.provider],
    ['endpoint', connection.endpoint],
    ['api', connection.api],
    ['api-version', connection.apiVersion],
    ['wire API', connection.wireApi],
    ['auth', connection.auth],
    ['scope', connection.scope],
    ['key from', connection.keyFrom],
  ];
  return `connection: ${parts
    .filter((part): part is [string, string] => part[1] !== undefined)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ')}${connection.note ? ` (${connection.note})` : ''}`;
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
      ? `Entra ID token (AZURE_AUTH_METHOD=${describeAuthMethods(resolveAuthMethods(env))})`
      : connection.auth === 'key'
        ? `API key from ${connection.keyFrom ?? 'the environment'}`
        : 'no auth';
  const version = connection.apiVersion ? `, api-version ${connection.apiVersion}` : '';
  return `${name} at ${connection.endpoint}${version}, ${auth}`;
}
