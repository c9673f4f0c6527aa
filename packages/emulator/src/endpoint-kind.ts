/**
 * The model endpoints the emulator serves, one per wire family:
 * - `azure-openai`: the dated Azure OpenAI API (`/openai/deployments/{deployment}/...` and
 *   `/openai/responses`, both with `?api-version=`).
 * - `azure-openai-v1`: the versionless Azure OpenAI v1 API (`/openai/v1/...`).
 * - `anthropic-foundry`: Anthropic models on Microsoft Foundry (`/anthropic/v1/messages`).
 * - `anthropic`: the Anthropic API (`/v1/messages`).
 * - `openai`: the OpenAI API (`/v1/chat/completions`, `/v1/responses`).
 * - `ollama`: a local Ollama server, on its own port.
 */
export type ModelEndpointKind =
  | 'azure-openai'
  | 'azure-openai-v1'
  | 'anthropic-foundry'
  | 'anthropic'
  | 'openai'
  | 'ollama';

/**
 * What a recorded request was addressed to: a model endpoint, the managed-identity endpoint
 * (`identity`), the signing-key metadata (`metadata`, e.g. `/.well-known/jwks.json`), or a path
 * the emulator does not serve (`unknown`, answered with 404), or the local Entra ID authority
 * (`authority`, its own https listener).
 */
export type EndpointKind = ModelEndpointKind | 'identity' | 'metadata' | 'unknown' | 'authority';

/** Every model endpoint kind, in a stable order. */
export const MODEL_ENDPOINT_KINDS: readonly ModelEndpointKind[] = [
  'azure-openai',
  'azure-openai-v1',
  'anthropic-foundry',
  'anthropic',
  'openai',
  'ollama',
];

/** Tells whether a kind names a model endpoint (as opposed to identity, metadata or unknown). */
export function isModelEndpointKind(kind: string): kind is ModelEndpointKind {
  return (MODEL_ENDPOINT_KINDS as readonly string[]).includes(kind);
}
