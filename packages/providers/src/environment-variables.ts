import { SCOPE_VARIABLE } from '@bots/auth';
import { renderMarkdownTable } from './markdown-table.js';
import { builtInProviders, type ProviderRegistry, takesTokens } from './provider-registry.js';
import { ANTHROPIC_VARIABLES } from './providers/anthropic.js';
import { AZURE_OPENAI_VARIABLES } from './providers/azure-openai.js';
import { OLLAMA_LOCAL_VARIABLES } from './providers/ollama-local.js';
import { OPENAI_VARIABLES } from './providers/openai.js';
import { ALLOW_PLAIN_HTTP_KEY_VARIABLES, WIRE_API_VARIABLES } from './settings-reading.js';

export { DEFAULT_OLLAMA_PORT } from './providers/ollama-local.js';

/** One environment variable that `@bots/providers` reads. */
export interface EnvironmentVariable {
  /** The variable's name. */
  name: string;
  /** The provider or providers it configures, e.g. `azure-openai` or `azure-openai, openai`. */
  provider: string;
  /** What it sets, and its precedence against other names for the same setting. */
  description: string;
  /** True for keys: the value is a secret (registered for redaction, never printed). */
  secret?: boolean;
}

/**
 * The names each setting of the built-in providers is read from, first non-empty one wins (each
 * provider's definition holds its own). The seed names (`OPEN_AI_*`) win over the `openai` SDK's
 * `AZURE_OPENAI_*` names, setting by setting.
 */
export const ENV_NAMES = {
  azureOpenAI: AZURE_OPENAI_VARIABLES,
  anthropic: ANTHROPIC_VARIABLES,
  openai: OPENAI_VARIABLES,
  ollamaLocal: OLLAMA_LOCAL_VARIABLES,
  wireApi: WIRE_API_VARIABLES,
  allowPlainHttpKey: ALLOW_PLAIN_HTTP_KEY_VARIABLES,
} as const;

function names(registry: ProviderRegistry, which: (name: string) => boolean): string {
  return registry
    .filter((definition) => which(definition.name))
    .map((definition) => definition.name)
    .join(', ');
}

/**
 * Every environment variable a registry's providers read: each provider's own, in registry order,
 * then the shared ones, whose provider column names the providers they apply to.
 */
export function environmentVariablesOf(registry: ProviderRegistry): readonly EnvironmentVariable[] {
  const byName = new Map(registry.map((definition) => [definition.name, definition]));
  const wire = names(registry, (name) => byName.get(name)?.usesWireApi === true);
  const keyed = names(registry, (name) => (byName.get(name)?.keyVariables.length ?? 0) > 0);
  const tokens = names(registry, (name) => {
    const definition = byName.get(name);
    return definition !== undefined && takesTokens(definition);
  });
  const shared: EnvironmentVariable[] = [
    {
      name: WIRE_API_VARIABLES[0],
      provider: wire,
      description:
        '`completions` (default: `/chat/completions`) or `responses` (`/responses`). The `wireApi` option wins.',
    },
    {
      name: ALLOW_PLAIN_HTTP_KEY_VARIABLES[0],
      provider: keyed,
      description:
        '`true` lets an API key go over plain http to a host that is not loopback (a TLS-terminating proxy on a private network); by default that is refused at creation. The `allowPlainHttpKey` option wins. Bearer tokens always need https (or loopback).',
    },
    {
      name: 'AZURE_AUTH_METHOD',
      provider: tokens,
      description: `Read by \`@bots/auth\` for ${tokens
        .split(', ')
        .map((name) => `\`${name}\``)
        .join(
          ' and ',
        )}: \`azure_ad\`, \`managed_identity\`, ... opt into a token provider; unset or \`api_key\` means keys. See \`@bots/auth\`.`,
    },
    {
      name: SCOPE_VARIABLE,
      provider: tokens,
      description: scopeDescription(registry),
    },
  ];
  return Object.freeze([
    ...registry.flatMap((definition) => definition.environmentVariables),
    ...shared.filter((variable) => variable.provider !== ''),
  ]);
}

function scopeDescription(registry: ProviderRegistry): string {
  const required = registry
    .filter((definition) => takesTokens(definition) && definition.scopeSuggestion !== undefined)
    .map((definition) => `\`${definition.name}\``);
  const defaults =
    'Token scope. Default `https://cognitiveservices.azure.com/.default` for the dated Azure OpenAI API, `https://ai.azure.com/.default` for `/openai/v1`';
  return required.length
    ? `${defaults}; required for ${required.join(', ')} with \`AZURE_AUTH_METHOD\`.`
    : `${defaults}.`;
}

/** Every environment variable `@bots/providers` reads, rendered into the README. */
export const environmentVariables: readonly EnvironmentVariable[] =
  environmentVariablesOf(builtInProviders);

/** The environment variables as a Markdown table, as it appears in the README. */
export function renderEnvironmentTable(variables = environmentVariables): string {
  return renderMarkdownTable(
    ['variable', 'provider', 'meaning'],
    variables.map((variable) => [`\`${variable.name}\``, variable.provider, variable.description]),
  );
}
