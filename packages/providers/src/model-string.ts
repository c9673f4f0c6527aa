import { describeValue, redact } from '@bots/auth';
import { InvalidModelError } from './errors.js';

/** The providers a model string can name. */
export const PROVIDER_NAMES = ['azure-openai', 'anthropic', 'openai', 'ollama-local'] as const;

/** A provider a model string can name. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** The valid forms of a model string, one per provider. */
export const MODEL_STRING_FORMS: Readonly<Record<ProviderName, string>> = {
  'azure-openai': 'azure-openai/<deployment>',
  anthropic: 'anthropic/<deployment>',
  openai: 'openai/<model>',
  'ollama-local': 'ollama-local/<model>',
};

/** A model string split into its provider and its deployment or model name. */
export interface ParsedModel {
  /** The provider, e.g. `azure-openai`. */
  provider: ProviderName;
  /** The deployment (Azure OpenAI, Anthropic on Foundry) or model (OpenAI, Ollama) name. */
  name: string;
}

/** True when `value` is one of {@link PROVIDER_NAMES}. */
export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/**
 * Splits `provider/name`. Anything else (no slash, more than one slash, an unknown provider, an
 * empty name, surrounding whitespace) throws an {@link InvalidModelError} that lists the valid forms.
 *
 * @example parseModel('azure-openai/gpt-4o') // { provider: 'azure-openai', name: 'gpt-4o' }
 */
export function parseModel(model: string): ParsedModel {
  if (typeof model !== 'string') {
    throw invalid(String(model), `The model must be a string, but got ${describeValue(model)}.`);
  }
  const parts = model.split('/');
  if (parts.length !== 2) {
    const why =
      parts.length === 1
        ? `"${model}" has no "/" between the provider and the name.`
        : `"${model}" has more than one "/".`;
    throw invalid(model, why);
  }
  const [provider = '', name = ''] = parts;
  if (!isProviderName(provider)) {
    const near = PROVIDER_NAMES.find(
      (known) => provider !== '' && known.startsWith(provider.trim().toLowerCase()),
    );
    throw invalid(
      model,
      `"${provider}" is not a known provider.${near ? ` Did you mean ${near}/${name}?` : ''}`,
    );
  }
  if (name.trim() === '') {
    throw invalid(
      model,
      `"${model}" has no ${provider === 'openai' || provider === 'ollama-local' ? 'model' : 'deployment'} name after the "/".`,
    );
  }
  if (name !== name.trim()) {
    throw invalid(model, `"${model}" has whitespace around the name.`);
  }
  return { provider, name };
}

function invalid(model: string, why: string): InvalidModelError {
  const forms = PROVIDER_NAMES.map((provider) => MODEL_STRING_FORMS[provider]).join(', ');
  return new InvalidModelError(
    redact(model),
    redact(`Invalid model string: ${why} Use one of: ${forms} (for example azure-openai/gpt-4o).`),
  );
}
