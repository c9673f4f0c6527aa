/** Who wrote a message. */
export type ChatRole = 'system' | 'user' | 'assistant';

/** One message of a conversation. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** One call to a chat model. */
export interface ChatRequest {
  /** The conversation so far, oldest first. */
  messages: readonly ChatMessage[];
  /** Ask for a JSON object reply where the provider supports it (ignored elsewhere). */
  json?: boolean;
  /** Cancels the HTTP request. */
  signal?: AbortSignal;
  /** Sampling temperature; provider default when omitted. */
  temperature?: number;
  /** Upper bound on generated tokens; provider default when omitted. */
  maxOutputTokens?: number;
}

/** Token counts reported by the provider. */
export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

/** The model's answer. */
export interface ChatResponse {
  /** The reply text. */
  text: string;
  /** Token counts, when the provider reports them. */
  usage?: ChatUsage;
  /**
   * Why the model stopped, as the provider says it (`stop`, `length`, `end_turn`, `completed`...),
   * when it does.
   */
  finishReason?: string;
  /** Retries the request needed after retryable failures (models built by `createChatModel`). */
  retries?: number;
}

/** The small interface the agent loop talks to: messages in, text out. */
export interface ChatModel {
  /** Provider of the model, e.g. `azure-openai` (any registered provider's name). */
  readonly provider: string;
  /** Deployment or model name, e.g. `gpt-4o`. */
  readonly name: string;
  /** Sends the conversation and returns the reply. */
  complete(request: ChatRequest): Promise<ChatResponse>;
  /**
   * How the model is reached (endpoint, auth kind, client), for diagnostics such as `bots doctor`.
   * Never holds a secret. Optional: test doubles need not provide it.
   */
  readonly connection?: ChatModelConnection;
}

/** How a model built by `createChatModel` is reached. Holds no secret. */
export interface ChatModelConnection {
  /** The base URL requests go to (for the dated Azure OpenAI API, the resource endpoint). */
  endpoint: string;
  /** `token`: Entra ID bearer token; `key`: API key; `none`: no auth (local Ollama). */
  auth: 'token' | 'key' | 'none';
  /** The environment variable the key was read from, when `auth` is `key`. */
  keyFrom?: string;
  /** The wire API, for OpenAI-shaped providers: `completions` or `responses`. */
  wireApi?: 'completions' | 'responses';
  /** The `api-version`, for the dated Azure OpenAI deployments API. */
  apiVersion?: string;
  /** The client that was built, as the selection table names it. */
  client: string;
  /**
   * Why the connection is not what the env's `AZURE_AUTH_METHOD` suggests, when it is not: e.g.
   * `anthropic` with a key and no `AZURE_AUTH_SCOPE` uses the key.
   */
  note?: string;
}
