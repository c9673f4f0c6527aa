export type {
  ChatMessage,
  ChatModel,
  ChatModelConnection,
  ChatRequest,
  ChatResponse,
  ChatRole,
  ChatUsage,
} from './chat-model.js';
export { type ConnectionPlan, planConnection, tokenScopeFor } from './connection-plan.js';
export { type CreateChatModelOptions, createChatModel } from './create-chat-model.js';
export {
  DEFAULT_OLLAMA_PORT,
  ENV_NAMES,
  type EnvironmentVariable,
  environmentVariables,
  renderEnvironmentTable,
} from './environment-variables.js';
export {
  InvalidModelError,
  ModelAuthenticationError,
  ModelRequestError,
  type ModelRequestErrorDetails,
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
  type EnvValue,
  isAzureV1Endpoint,
  modelStringFromEnv,
  type ProviderSettings,
  resolveProviderSettings,
  resolveWireApi,
  WIRE_APIS,
  type WireApi,
} from './provider-settings.js';
export {
  acceptsTokenProvider,
  renderSelectionTable,
  type SelectionInput,
  type SelectionRow,
  selectionTable,
  selectRow,
  type TokenProviderColumn,
} from './selection-table.js';
