import type { TokenProvider } from '@bots/auth';
import type { ChatModelConnection } from './chat-model.js';
import type { AzureOpenAIApi } from './settings-reading.js';

/**
 * How a model is reached, as plain data: safe to print, log, compare and send to another process
 * (`bots doctor` prints it; the browser tool hands it to its container). Never holds a secret: a
 * key appears only as the name of the variable it came from.
 */
export interface ModelConnection extends ChatModelConnection {
  /** The provider, e.g. `azure-openai`. */
  provider: string;
  /** The deployment or model name, e.g. `gpt-4o`. */
  model: string;
  /** For azure-openai: the endpoint's API (`deployments`, dated; `v1`, versionless). */
  api?: AzureOpenAIApi;
  /** The token scope, when `auth` is `token` and the scope was chosen here (not by a token provider you passed). */
  scope?: string;
}

/**
 * What `resolveConnection` returns: the serialisable {@link ModelConnection} and what it takes to
 * connect (the token provider, or the key). `JSON.stringify` gives the connection alone; the key
 * is held in a private field and never enumerated.
 */
export class ResolvedConnection {
  /** How the model is reached: plain data, no secret. */
  readonly connection: ModelConnection;
  /** The token provider, when `connection.auth` is `token`. */
  readonly tokenProvider: TokenProvider | undefined;
  readonly #apiKey: string | undefined;

  constructor(
    connection: ModelConnection,
    secrets: { tokenProvider?: TokenProvider; apiKey?: string } = {},
  ) {
    this.connection = Object.freeze({ ...connection });
    this.tokenProvider = secrets.tokenProvider;
    this.#apiKey = secrets.apiKey;
  }

  /** The API key, when `connection.auth` is `key` (a secret: never print it). */
  apiKey(): string | undefined {
    return this.#apiKey;
  }

  /** The same connection with another token provider (e.g. one that counts its tokens). */
  withTokenProvider(tokenProvider: TokenProvider): ResolvedConnection {
    return new ResolvedConnection(this.connection, {
      tokenProvider,
      ...(this.#apiKey !== undefined ? { apiKey: this.#apiKey } : {}),
    });
  }

  /** The serialisable part only. */
  toJSON(): ModelConnection {
    return this.connection;
  }
}
