/** The Azure OpenAI (Cognitive Services) resource, audience of tokens for the dated API. */
export const COGNITIVE_SERVICES_AUDIENCE = 'https://cognitiveservices.azure.com';

/** The Microsoft Foundry resource, audience of tokens for Foundry and the Azure OpenAI v1 API. */
export const AI_FOUNDRY_AUDIENCE = 'https://ai.azure.com';

/** Turns a scope (`https://ai.azure.com/.default`) or resource into a bare audience. */
export function scopeToAudience(scopeOrResource: string): string {
  const trimmed = scopeOrResource.trim();
  const withoutDefault = trimmed.endsWith('/.default')
    ? trimmed.slice(0, -'/.default'.length)
    : trimmed;
  return withoutDefault.replace(/\/+$/, '');
}

/** Tells whether an audience is one of the accepted ones, ignoring trailing slashes and case. */
export function audienceMatches(audience: string, accepted: readonly string[]): boolean {
  const normalized = scopeToAudience(audience).toLowerCase();
  return accepted.some((candidate) => scopeToAudience(candidate).toLowerCase() === normalized);
}
