/**
 * The part of the Copilot SDK's `ProviderConfig` that `copilotProvider` fills in. Written here
 * rather than taken from `@github/copilot-sdk`'s types, so that the declarations of
 * `@bots/copilot` typecheck without that optional peer dependency installed; a test keeps it
 * assignable to the SDK's own `ProviderConfig` (and the callback to its `BearerTokenProvider`).
 */
export interface CopilotProviderConfig {
  /** `openai` (OpenAI-compatible, the Azure OpenAI v1 API), `azure` (the dated deployments API) or `anthropic`. */
  type: 'openai' | 'azure' | 'anthropic';
  /** The API's base URL: `<resource>/openai/v1/` for the v1 API, the host only for `azure`. */
  baseUrl: string;
  /** The wire API, for `openai` and `azure`: `completions` or `responses`. */
  wireApi?: 'completions' | 'responses';
  /** The deployment (Azure) or model name sent to the API. */
  wireModel?: string;
  /** For `azure`: the dated `api-version`. */
  azure?: { apiVersion?: string };
  /** The API key, where a key is configured (a secret: never print it). */
  apiKey?: string;
  /** A bearer token fetched when the config was made (`tokenDelivery: 'static'`; a secret). */
  bearerToken?: string;
  /** Asked for a token before every model request (`tokenDelivery: 'callback'`, the default). */
  bearerTokenProvider?: (args: CopilotTokenArgs) => Promise<string>;
}

/** What the Copilot runtime tells a bearer token provider (the SDK's `ProviderTokenArgs`). */
export interface CopilotTokenArgs {
  /** The provider's name: `default` for a session's single provider. */
  readonly providerName: string;
  /** The session the request belongs to. */
  readonly sessionId: string;
}
