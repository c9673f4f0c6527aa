import { AI_FOUNDRY_AUDIENCE, COGNITIVE_SERVICES_AUDIENCE } from './audience.js';
import type { AuthPolicy } from './authenticate-request.js';
import type { EmulatorApiKeys, EmulatorOptions } from './emulator-options.js';
import type { ModelEndpointKind } from './endpoint-kind.js';

/** How each model endpoint authenticates, as the real services do. */
export function authPolicies(
  apiKeys: EmulatorApiKeys,
  audiences: EmulatorOptions['audiences'] = {},
): Record<ModelEndpointKind, AuthPolicy> {
  const azureKey = { name: 'azureOpenAI', value: apiKeys.azureOpenAI };
  const anthropicKey = { name: 'anthropic', value: apiKeys.anthropic };
  const openaiKey = { name: 'openai', value: apiKeys.openai };
  const foundryAudiences = [AI_FOUNDRY_AUDIENCE, COGNITIVE_SERVICES_AUDIENCE];
  return {
    'azure-openai': {
      required: true,
      keyHeaders: ['api-key'],
      keys: [azureKey],
      bearerKeys: false,
      audiences: audiences['azure-openai'] ?? [COGNITIVE_SERVICES_AUDIENCE],
    },
    'azure-openai-v1': {
      required: true,
      keyHeaders: ['api-key'],
      keys: [azureKey],
      bearerKeys: true,
      audiences: audiences['azure-openai-v1'] ?? foundryAudiences,
    },
    'anthropic-foundry': {
      required: true,
      keyHeaders: ['x-api-key', 'api-key'],
      keys: [anthropicKey, azureKey],
      bearerKeys: false,
      audiences: audiences['anthropic-foundry'] ?? foundryAudiences,
    },
    // @anthropic-ai/sdk 1.x sends its apiKey as `Authorization: Bearer`, older ones as x-api-key.
    anthropic: {
      required: true,
      keyHeaders: ['x-api-key'],
      keys: [anthropicKey],
      bearerKeys: true,
      audiences: [],
    },
    openai: {
      required: true,
      keyHeaders: [],
      keys: [openaiKey],
      bearerKeys: true,
      audiences: [],
    },
    ollama: { required: false, keyHeaders: [], keys: [], bearerKeys: true, audiences: [] },
  };
}
