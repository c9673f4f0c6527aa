import { type Env, readVariable } from './auth-method.js';

/** Scope for the Azure OpenAI deployments API (`/openai/deployments/...?api-version=`). */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** Scope for Azure AI Foundry: Anthropic on Foundry and the versionless Azure OpenAI `/openai/v1` API. */
export const AI_FOUNDRY_SCOPE = 'https://ai.azure.com/.default';

/** The variable that overrides the token scope for any provider. */
export const SCOPE_VARIABLE = 'AZURE_AUTH_SCOPE';

/**
 * The scope `AZURE_AUTH_SCOPE` sets (trimmed), or `undefined` when it is unset or empty. The one
 * place that reads the variable: `tokenProviderFromEnv` and `@bots/providers` both ask here.
 */
export function scopeFromEnv(env: Env): string | undefined {
  return readVariable(env, SCOPE_VARIABLE);
}
