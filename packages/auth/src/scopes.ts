/** Scope for the Azure OpenAI deployments API (`/openai/deployments/...?api-version=`). */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** Scope for Azure AI Foundry: Anthropic on Foundry and the versionless Azure OpenAI `/openai/v1` API. */
export const AI_FOUNDRY_SCOPE = 'https://ai.azure.com/.default';
