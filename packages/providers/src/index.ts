export type {
  ChatMessage,
  ChatModel,
  ChatModelConnection,
  ChatRequest,
  ChatResponse,
  ChatRole,
  ChatUsage,
} from './chat-model.js';
export {
  type ConnectOptions,
  type CreateChatModelOptions,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ResolveConnectionOptions,
} from './chat-model-options.js';
export { connect } from './connect.js';
export {
  type ConnectionPlan,
  type PlanConnectionOptions,
  planConnection,
} from './connection-plan.js';
export { createChatModel } from './create-chat-model.js';
export {
  type EnvValue,
  type ReadEnvSettingOptions,
  readEnvSetting,
  type WarningListener,
} from './env-setting.js';
export {
  DEFAULT_OLLAMA_PORT,
  ENV_NAMES,
  type EnvironmentVariable,
  environmentVariables,
  environmentVariablesOf,
} from './environment-variables.js';
export {
  InvalidModelError,
  MissingCredentialsError,
  ModelAuthenticationError,
  ModelRequestError,
  type ModelRequestErrorDetails,
  ModelTimeoutError,
} from './errors.js';
export { type ModelConnection, ResolvedConnection } from './model-connection.js';
export {
  MODEL_STRING_FORMS,
  type ParsedModel,
  PROVIDER_NAMES,
  type ProviderName,
  parseModel,
} from './model-string.js';
export type {
  ClientTransportOptions,
  ConnectionCredential,
  PlanContext,
  PlannedEndpoint,
  ProviderDefinition,
  ScopeSuggestion,
  SettingsContext,
} from './provider-definition.js';
export {
  builtInProviders,
  DEFAULT_PROVIDER,
  findProvider,
  modelForm,
  modelForms,
  type ProviderRegistry,
  providerNamed,
  takesTokens,
} from './provider-registry.js';
export {
  type AzureOpenAIApi,
  modelStringFromEnv,
  type ProviderSettings,
  type ResolveSettingsOptions,
  resolveProviderSettings,
  WIRE_APIS,
  type WireApi,
} from './provider-settings.js';
export { anthropic } from './providers/anthropic.js';
export { azureOpenAI } from './providers/azure-openai.js';
export { ollamaLocal } from './providers/ollama-local.js';
export { openai } from './providers/openai.js';
export { resolveConnection } from './resolve-connection.js';
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  type RetryInfo,
} from './retry-policy.js';
export {
  renderSelectionTable,
  type SelectionInput,
  type SelectionRow,
  selectionTable,
  selectionTableOf,
  selectRow,
  type TokenProviderColumn,
} from './selection-table.js';
export {
  type ResolveScopeOptions,
  resolveScope,
  type TokenProviderForProviderOptions,
  tokenProviderForProvider,
} from './token-scope.js';
