/** The providers a model string can name. */
export const PROVIDER_NAMES = ['azure-openai', 'anthropic', 'openai', 'ollama-local'] as const;

/** A provider a model string can name. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];
