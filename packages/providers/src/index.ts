export type {
  ChatMessage,
  ChatModel,
  ChatModelConnection,
  ChatRequest,
  ChatResponse,
  ChatRole,
  ChatUsage,
} from './chat-model.js';
export { type CreateChatModelOptions, DEFAULT_REQUEST_TIMEOUT_MS } from './chat-model-options.js';
export {
  type ConnectionFailure,
  connectionFailureOf,
  hostAndPort,
} from './connection-failure.js';
export {
  type ConnectionPlan,
  type PlanConnectionOptions,
  planConnection,
  tokenScopeFor,
} from './connection-plan.js';
export { createChatModel } from './create-chat-model.js';
export {
  type EnvValue,
  nearMissHint,
  type ReadEnvSettingOptions,
  readEnvSetting,
  type WarningListener,
} from './env-setting.js';
export {
  DEFAULT_OLLAMA_PORT,
  ENV_NAMES,
  type EnvironmentVariable,
  environmentVariables,
  renderEnvironmentTable,
} from './environment-variables.js';
export {
  InvalidModelError,
  MissingCredentialsError,
  ModelAuthenticationError,
  ModelRequestError,
  type ModelRequestErrorDetails,
  ModelTimeoutError,
} from './errors.js';
export {
  isProviderName,
  MODEL_STRING_FORMS,
  type ParsedModel,
  PROVIDER_NAMES,
  type ProviderName,
  parseModel,
} from './model-string.js';
export {
  type AzureOpenAIApi,
  isAzureV1Endpoint,
  modelStringFromEnv,
  type ProviderSettings,
  type ResolveSettingsOptions,
  resolveProviderSettings,
  resolveWireApi,
  WIRE_APIS,
  type WireApi,
} from './provider-settings.js';
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  type RetryInfo,
} from './retry-policy.js';
export {
  acceptsTokenProvider,
  renderSelectionTable,
  type SelectionInput,
  type SelectionRow,
  selectionTable,
  selectRow,
  type TokenProviderColumn,
} from './selection-table.js';
