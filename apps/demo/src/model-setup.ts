import { ConfigurationError, type Env, resolveAuthMethod } from '@bots/auth';
import {
  type ChatModel,
  type ChatModelConnection,
  type CreateChatModelOptions,
  createChatModel,
} from '@bots/providers';
import { isMissingCredentials, missingCredentialsMessage } from './cli-wording.js';

/** One retry of a model call, as `createChatModel`'s `onRetry` reports it. */
export interface ModelRetry {
  /** 1 for the first retry. */
  attempt: number;
  /** How long this retry waits, in milliseconds (capped by the library). */
  delayMs: number;
  /** What the server asked for (`retry-after`), when it did. */
  requestedDelayMs?: number;
  /** The HTTP status that caused it, when there was an answer. */
  status?: number;
}

/** What the CLI passes to `createChatModel` besides the env. */
export interface ModelSetup {
  /** `--request-timeout`, in milliseconds. */
  requestTimeoutMs: number;
  /** Told of each retry, to print it. */
  onRetry: (retry: ModelRetry) => void;
}

/**
 * Builds the chat model now, so that a bad model string or missing credentials fail before any
 * sandbox starts, as a `ConfigurationError` (exit code 2) that says what to set, in a CLI user's
 * terms.
 */
export async function createModel(model: string, env: Env, setup: ModelSetup): Promise<ChatModel> {
  const options: CreateChatModelOptions & ModelSetup = { env, ...setup };
  try {
    return await createChatModel(model, options);
  } catch (error) {
    if (isMissingCredentials(error)) {
      throw new ConfigurationError(missingCredentialsMessage(error, model), { cause: error });
    }
    throw error;
  }
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
