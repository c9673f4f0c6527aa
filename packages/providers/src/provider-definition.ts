import type { Env, TokenProvider } from '@bots/auth';
import type { EnvValue } from './env-setting.js';
import type { EnvironmentVariable } from './environment-variables.js';
import type { ModelConnection } from './model-connection.js';
import type { ParsedModel } from './model-string.js';
import type { SendRequest } from './provider-chat-model.js';
import type { SelectionRow } from './selection-table.js';
import type { AzureOpenAIApi, ProviderSettings, WireApi } from './settings-reading.js';

/** What a provider's `readSettings` gets: the env, and the one way to read a setting from it. */
export interface SettingsContext {
  /** The environment (checked: an object of strings). */
  env: Env;
  /**
   * Reads one setting from the names it may have, in precedence order (the first non-empty one
   * wins; a warning when another of them disagrees). See `readEnvSetting`.
   */
  read(names: readonly string[]): EnvValue | undefined;
  /** The `wireApi` option, which wins over `OPEN_AI_WIRE_API`. */
  wireApi?: string;
}

/** What a provider's `plan` gets. */
export interface PlanContext {
  /** The parsed model string. */
  model: ParsedModel;
  /** The provider's settings, as its `readSettings` returned them. */
  settings: ProviderSettings;
  /** How requests authenticate: decided by the selection table before `plan` is called. */
  auth: 'token' | 'key' | 'none';
  /**
   * Throws the `MissingCredentialsError` when `auth` is `key` and there is no key. Call it where
   * that error should win over the provider's other checks (it is called after `plan` anyway).
   */
  requireKey(): void;
  /** Sentences naming set variables that look like typos of `names` (or an empty string). */
  nearMiss(names: readonly string[]): string;
}

/** Where a provider's requests go, as its `plan` decides. */
export interface PlannedEndpoint {
  /**
   * The base URL the client appends paths to (for the dated Azure OpenAI API, the resource
   * endpoint: the SDK adds `/openai`).
   */
  baseURL: string;
  /** For azure-openai: the endpoint's API. */
  azureApi?: AzureOpenAIApi;
  /** The `api-version` (dated Azure OpenAI API). */
  apiVersion?: string;
  /** The wire API (OpenAI-shaped providers). */
  wireApi?: WireApi;
}

/** The secrets a client is built with: a token provider or an API key (never both). */
export interface ConnectionCredential {
  tokenProvider?: TokenProvider;
  apiKey?: string;
}

/** What every SDK client gets from `connect`'s options. */
export interface ClientTransportOptions {
  /** The SDK's own timeout: a backstop a little past `requestTimeoutMs`, which decides. */
  timeoutMs?: number;
  /** The `fetch` to send requests with. */
  fetch?: typeof globalThis.fetch;
}

/** Where a provider's token scope cannot be inferred: the scope to suggest, and for what. */
export interface ScopeSuggestion {
  /** The scope, e.g. `https://ai.azure.com/.default`. */
  scope: string;
  /** What it is the scope of, e.g. `Anthropic on Azure AI Foundry`. */
  where: string;
}

/**
 * Everything `@bots/providers` knows about one provider, in one value: its name, its environment
 * variables and how it reads its settings, its token scope, its rows of the selection table, how
 * it plans a connection and how it builds the client. The registry (`builtInProviders`) lists
 * them; nothing else branches on a provider's name. Adding a provider is one such value and one
 * registry entry (see the README, "Adding a provider").
 */
export interface ProviderDefinition {
  /** The name in model strings (`<name>/<deployment or model>`), e.g. `azure-openai`. */
  readonly name: string;
  /** What follows the `/`: a deployment (Azure) or a model name. */
  readonly nameKind: 'deployment' | 'model';
  /** The variables it reads, in the order the README lists them. */
  readonly environmentVariables: readonly EnvironmentVariable[];
  /** The variables that give the default deployment or model name, in precedence order. */
  readonly defaultNameVariables: readonly string[];
  /** The variables that give its API key, in precedence order (empty: it takes no key). */
  readonly keyVariables: readonly string[];
  /** True when it speaks an OpenAI wire API (`OPEN_AI_WIRE_API`, the `wireApi` option). */
  readonly usesWireApi?: boolean;
  /** Reads its settings. Pure; throws a `ConfigurationError` for values that cannot be right. */
  readSettings(context: SettingsContext): ProviderSettings;
  /** Its rows of the selection table (a `yes` row: it takes a token provider). */
  readonly selectionRows: readonly SelectionRow[];
  /**
   * The scope its tokens need with these settings, or `undefined` when it cannot be inferred (then
   * `AZURE_AUTH_SCOPE` or the caller must give it). Not called for providers without a `yes` row.
   */
  tokenScope?(settings: ProviderSettings): string | undefined;
  /** When `tokenScope` cannot infer the scope: the one to suggest in messages. */
  readonly scopeSuggestion?: ScopeSuggestion;
  /**
   * Decides where requests go. Pure. Throws a `ConfigurationError` for what would fail on the
   * first call (a missing endpoint, a bearer token to plain http off loopback, ...).
   */
  plan(context: PlanContext): PlannedEndpoint;
  /**
   * The message of its `MissingCredentialsError`, given its key variables as `A (or B)`; typo
   * hints are appended.
   */
  missingCredentialsMessage(keys: string): string;
  /** Builds the client and returns the function that sends one request. */
  createSender(
    connection: ModelConnection,
    credential: ConnectionCredential,
    transport: ClientTransportOptions,
  ): Promise<SendRequest>;
  /** A sentence added when its endpoint cannot be reached (e.g. how to start a local server). */
  readonly unreachableHint?: string;
}
