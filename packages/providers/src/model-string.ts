import { describeValue, redact } from '@bots/auth';
import { InvalidModelError } from './errors.js';
import {
  builtInProviders,
  findProvider,
  modelForm,
  modelForms,
  type ProviderRegistry,
} from './provider-registry.js';

/** The built-in providers a model string can name, in registry order. */
export const PROVIDER_NAMES: readonly string[] = Object.freeze(
  builtInProviders.map((definition) => definition.name),
);

/** The name of a provider a model string can name, e.g. `azure-openai` (any registered name). */
export type ProviderName = string;

/** The valid forms of a model string, one per built-in provider. */
export const MODEL_STRING_FORMS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    builtInProviders.map((definition) => [definition.name, modelForm(definition)]),
  ),
);

/** A model string split into its provider and its deployment or model name. */
export interface ParsedModel {
  /** The provider, e.g. `azure-openai`. */
  provider: ProviderName;
  /** The deployment (Azure OpenAI, Anthropic on Foundry) or model (OpenAI, Ollama) name. */
  name: string;
}

/** True when `value` names a provider of `registry` (default: the built-in ones). */
export function isProviderName(
  value: string,
  registry: ProviderRegistry = builtInProviders,
): boolean {
  return findProvider(value, registry) !== undefined;
}

/**
 * Splits `provider/name`. Anything else (no slash, more than one slash, a provider the registry
 * does not list, an empty name, surrounding whitespace) throws an {@link InvalidModelError} that
 * lists the valid forms, taken from `registry` (default: the built-in providers).
 *
 * @example parseModel('azure-openai/gpt-4o') // { provider: 'azure-openai', name: 'gpt-4o' }
 */
export function parseModel(
  model: string,
  registry: ProviderRegistry = builtInProviders,
): ParsedModel {
  if (typeof model !== 'string') {
    throw invalid(
      String(model),
      `The model must be a string, but got ${describeValue(model)}.`,
      registry,
    );
  }
  const parts = model.split('/');
  if (parts.length !== 2) {
    const why =
      parts.length === 1
        ? `"${model}" has no "/" between the provider and the name.`
        : `"${model}" has more than one "/".`;
    throw invalid(model, why, registry);
  }
  const [provider = '', name = ''] = parts;
  const definition = findProvider(provider, registry);
  if (!definition) {
    const near = registry.find(
      (known) => provider !== '' && known.name.startsWith(provider.trim().toLowerCase()),
    );
    throw invalid(
      model,
      `"${provider}" is not a known provider.${near ? ` Did you mean ${near.name}/${name}?` : ''}`,
      registry,
    );
  }
  if (name.trim() === '') {
    throw invalid(model, `"${model}" has no ${definition.nameKind} name after the "/".`, registry);
  }
  if (name !== name.trim()) {
    throw invalid(model, `"${model}" has whitespace around the name.`, registry);
  }
  return { provider, name };
}

function invalid(model: string, why: string, registry: ProviderRegistry): InvalidModelError {
  const forms = modelForms(registry).join(', ');
  const example = registry[0] ? ` (for example ${registry[0].name}/gpt-4o)` : '';
  return new InvalidModelError(
    redact(model),
    redact(`Invalid model string: ${why} Use one of: ${forms}${example}.`),
  );
}
