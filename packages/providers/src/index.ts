export type { ChatMessage, ChatModel, ChatRequest, ChatResponse, ChatRole, ChatUsage } from './chat-model.js';
export { PROVIDER_NAMES, type ProviderName } from './model-string.js';
