import { renderMarkdownTable } from './markdown-table.js';
import type { ProviderName } from './model-string.js';

/** One environment variable that `@bots/providers` reads. */
export interface EnvironmentVariable {
  /** The variable's name. */
  name: string;
  /** The provider or providers it configures. */
  provider:
    | ProviderName
    | 'azure-openai, openai'
    | 'azure-openai, anthropic'
    | 'azure-openai, anthropic, openai';
  /** What it sets, and its precedence against other names for the same setting. */
  description: string;
  /** True for keys: the value is a secret (registered for redaction, never printed). */
  secret?: boolean;
}

/**
 * The names each setting is read from, first non-empty one wins. The seed names (`OPEN_AI_*`,
 * documented by the reference project) win over the `openai` SDK's `AZURE_OPENAI_*` names, setting
 * by setting.
 */
export const ENV_NAMES = {
  azureOpenAI: {
    endpoint: ['OPEN_AI_END_POINT', 'AZURE_OPENAI_ENDPOINT'],
    apiVersion: ['OPEN_AI_API_VERSION', 'AZURE_OPENAI_API_VERSION'],
    deploymentName: ['OPEN_AI_DEPLOYMENT_NAME', 'AZURE_OPENAI_DEPLOYMENT_NAME'],
    apiKey: ['OPEN_AI_KEY', 'AZURE_OPENAI_API_KEY'],
  },
  anthropic: {
    endpoint: ['ANTHROPIC_END_POINT'],
    deploymentName: ['ANTHROPIC_DEPLOYMENT_NAME'],
    apiKey: ['ANTHROPIC_API_KEY'],
  },
  openai: {
    endpoint: ['OPENAI_ENDPOINT'],
    apiKey: ['OPENAI_API_KEY'],
  },
  ollamaLocal: {
    modelName: ['LOCAL_MODEL_NAME'],
    port: ['LOCAL_MODEL_PORT'],
  },
  wireApi: ['OPEN_AI_WIRE_API'],
  allowPlainHttpKey: ['BOTS_ALLOW_PLAIN_HTTP_KEY'],
} as const;

/** The default port of a local Ollama server (`LOCAL_MODEL_PORT`). */
export const DEFAULT_OLLAMA_PORT = 11434;

/** Every environment variable `@bots/providers` reads, rendered into the README. */
export const environmentVariables: readonly EnvironmentVariable[] = [
  {
    name: 'OPEN_AI_END_POINT',
    provider: 'azure-openai',
    description:
      'Endpoint, e.g. `https://my-resource.openai.azure.com` (dated deployments API) or `https://my-resource.openai.azure.com/openai/v1` (versionless v1 API). Wins over `AZURE_OPENAI_ENDPOINT`.',
  },
  {
    name: 'AZURE_OPENAI_ENDPOINT',
    provider: 'azure-openai',
    description:
      'Same as `OPEN_AI_END_POINT`, used when that is unset (both set to different values: a warning names both, once).',
  },
  {
    name: 'OPEN_AI_API_VERSION',
    provider: 'azure-openai',
    description:
      'The `api-version` of the dated deployments API, e.g. `2024-10-21`. Required unless the endpoint ends in `/openai/v1`. Wins over `AZURE_OPENAI_API_VERSION`.',
  },
  {
    name: 'AZURE_OPENAI_API_VERSION',
    provider: 'azure-openai',
    description:
      'Same as `OPEN_AI_API_VERSION`, used when that is unset (both set to different values: a warning names both, once).',
  },
  {
    name: 'OPEN_AI_DEPLOYMENT_NAME',
    provider: 'azure-openai',
    description:
      'Default deployment for `modelStringFromEnv("azure-openai")`. `createChatModel` uses the name in the model string. Wins over `AZURE_OPENAI_DEPLOYMENT_NAME`.',
  },
  {
    name: 'AZURE_OPENAI_DEPLOYMENT_NAME',
    provider: 'azure-openai',
    description:
      'Same as `OPEN_AI_DEPLOYMENT_NAME`, used when that is unset (both set to different values: a warning names both, once).',
  },
  {
    name: 'OPEN_AI_KEY',
    provider: 'azure-openai',
    description:
      'API key, sent as `api-key`. Ignored when a token provider is in effect. Wins over `AZURE_OPENAI_API_KEY`.',
    secret: true,
  },
  {
    name: 'AZURE_OPENAI_API_KEY',
    provider: 'azure-openai',
    description:
      'Same as `OPEN_AI_KEY`, used when that is unset (both set to different values: a warning names both, once).',
    secret: true,
  },
  {
    name: 'ANTHROPIC_END_POINT',
    provider: 'anthropic',
    description:
      'Base URL, e.g. `https://my-resource.services.ai.azure.com/anthropic` (Foundry). Required with a token provider; with a key it defaults to `https://api.anthropic.com`. A trailing `/v1` or `/v1/messages` is dropped.',
  },
  {
    name: 'ANTHROPIC_DEPLOYMENT_NAME',
    provider: 'anthropic',
    description:
      'Default deployment for `modelStringFromEnv("anthropic")`. `createChatModel` uses the name in the model string.',
  },
  {
    name: 'ANTHROPIC_API_KEY',
    provider: 'anthropic',
    description: 'API key, sent as `x-api-key`. Ignored when a token provider is in effect.',
    secret: true,
  },
  {
    name: 'OPENAI_API_KEY',
    provider: 'openai',
    description: 'API key, sent as `Authorization: Bearer`. Required for `openai/<model>`.',
    secret: true,
  },
  {
    name: 'OPENAI_ENDPOINT',
    provider: 'openai',
    description: 'Base URL of an OpenAI-compatible API (default `https://api.openai.com/v1`).',
  },
  {
    name: 'LOCAL_MODEL_NAME',
    provider: 'ollama-local',
    description:
      'Default model for `modelStringFromEnv("ollama-local")`. `createChatModel` uses the name in the model string.',
  },
  {
    name: 'LOCAL_MODEL_PORT',
    provider: 'ollama-local',
    description: `Port of Ollama on \`http://localhost\` (default ${DEFAULT_OLLAMA_PORT}).`,
  },
  {
    name: 'OPEN_AI_WIRE_API',
    provider: 'azure-openai, openai',
    description:
      '`completions` (default: `/chat/completions`) or `responses` (`/responses`). The `wireApi` option wins.',
  },
  {
    name: 'BOTS_ALLOW_PLAIN_HTTP_KEY',
    provider: 'azure-openai, anthropic, openai',
    description:
      '`true` lets an API key go over plain http to a host that is not loopback (a TLS-terminating proxy on a private network); by default that is refused at creation. The `allowPlainHttpKey` option wins. Bearer tokens always need https (or loopback).',
  },
  {
    name: 'AZURE_AUTH_METHOD',
    provider: 'azure-openai, anthropic',
    description:
      'Read by `@bots/auth` for `azure-openai` and `anthropic`: `azure_ad`, `managed_identity`, ... opt into a token provider; unset or `api_key` means keys. See `@bots/auth`.',
  },
  {
    name: 'AZURE_AUTH_SCOPE',
    provider: 'azure-openai, anthropic',
    description:
      'Token scope. Default `https://cognitiveservices.azure.com/.default` for the dated Azure OpenAI API, `https://ai.azure.com/.default` for `/openai/v1`; required for `anthropic` with `AZURE_AUTH_METHOD`.',
  },
];

/** The environment variables as a Markdown table, as it appears in the README. */
export function renderEnvironmentTable(variables = environmentVariables): string {
  return renderMarkdownTable(
    ['variable', 'provider', 'meaning'],
    variables.map((variable) => [`\`${variable.name}\``, variable.provider, variable.description]),
  );
}
