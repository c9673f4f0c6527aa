import type { ProviderDefinition } from './provider-definition.js';
import { anthropic } from './providers/anthropic.js';
import { azureOpenAI } from './providers/azure-openai.js';
import { ollamaLocal } from './providers/ollama-local.js';
import { openai } from './providers/openai.js';

/**
 * A list of providers: what model strings may name. The tables, the valid model forms and the
 * CLI's help are derived from one. Pass your own (`[...builtInProviders, mine]`) as the
 * `providers` option to add a provider.
 */
export type ProviderRegistry = readonly ProviderDefinition[];

/** The providers of `@bots/providers`, in the order messages list them. */
export const builtInProviders: ProviderRegistry = Object.freeze([
  azureOpenAI,
  anthropic,
  openai,
  ollamaLocal,
]);

/** The provider a bare environment means (its `*_DEPLOYMENT_NAME` gives the model): `azure-openai`. */
export const DEFAULT_PROVIDER = azureOpenAI.name;

/** The provider called `name` in `registry`, or `undefined`. */
export function findProvider(
  name: string,
  registry: ProviderRegistry = builtInProviders,
): ProviderDefinition | undefined {
  return registry.find((definition) => definition.name === name);
}

/** The provider called `name`; an `Error` when the registry has none (a bug, not bad input). */
export function providerNamed(
  name: string,
  registry: ProviderRegistry = builtInProviders,
): ProviderDefinition {
  const definition = findProvider(name, registry);
  if (!definition) {
    throw new Error(
      `No provider "${name}" in the registry (${registry.map((entry) => entry.name).join(', ')}). Add its definition to the registry you pass.`,
    );
  }
  return definition;
}

/** The valid form of a model string for a provider, e.g. `azure-openai/<deployment>`. */
export function modelForm(definition: ProviderDefinition): string {
  return `${definition.name}/<${definition.nameKind}>`;
}

/** The valid forms of model strings, one per provider, in registry order. */
export function modelForms(registry: ProviderRegistry = builtInProviders): string[] {
  return registry.map(modelForm);
}

/** True when some row of the provider's selection table takes a token provider. */
export function takesTokens(definition: ProviderDefinition): boolean {
  return definition.selectionRows.some((row) => row.tokenProvider === 'yes');
}
