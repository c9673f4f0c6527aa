import { AI_FOUNDRY_SCOPE, assertBearerTransport, ConfigurationError } from '@bots/auth';
import { anthropicSender, createAnthropicClient } from '../anthropic-client.js';
import type { EnvValue } from '../env-setting.js';
import type { ProviderDefinition } from '../provider-definition.js';
import {
  ALLOW_PLAIN_HTTP_KEY_VARIABLES,
  assertHttpUrl,
  resolveFlag,
  trimSlashes,
  withoutUndefined,
} from '../settings-reading.js';

/** The names each Anthropic setting is read from. */
export const ANTHROPIC_VARIABLES = {
  endpoint: ['ANTHROPIC_END_POINT'],
  deploymentName: ['ANTHROPIC_DEPLOYMENT_NAME'],
  apiKey: ['ANTHROPIC_API_KEY'],
} as const;

const names = ANTHROPIC_VARIABLES;

function anthropicBase(endpoint: EnvValue): string {
  return trimSlashes(endpoint.value).replace(/\/v1(?:\/messages)?$/i, '');
}

/**
 * Anthropic: on Azure AI Foundry with a token (`AnthropicFoundry`, the scope must be given: it
 * cannot be inferred from the endpoint), or the Anthropic API (or Foundry) with a key.
 */
export const anthropic: ProviderDefinition = {
  name: 'anthropic',
  nameKind: 'deployment',
  defaultNameVariables: names.deploymentName,
  keyVariables: names.apiKey,
  environmentVariables: [
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
  ],

  readSettings({ read }) {
    const endpoint = read(names.endpoint);
    if (endpoint) assertHttpUrl(endpoint, names.apiKey[0]);
    return withoutUndefined({
      provider: 'anthropic',
      endpoint,
      apiKey: read(names.apiKey),
      defaultName: read(names.deploymentName),
      allowPlainHttpKey: resolveFlag(read(ALLOW_PLAIN_HTTP_KEY_VARIABLES)),
    });
  },

  selectionRows: [
    {
      tokenProvider: 'yes',
      provider: 'anthropic',
      api: '-',
      client: '`AnthropicFoundry({ azureADTokenProvider, baseURL })`',
      auth: '`Authorization: Bearer <token>` (scope from `AZURE_AUTH_SCOPE` or your provider)',
    },
    {
      tokenProvider: 'no',
      provider: 'anthropic',
      api: '-',
      client: '`Anthropic({ apiKey, baseURL? })`, key from `ANTHROPIC_API_KEY`',
      auth: '`x-api-key: <key>`',
    },
  ],

  tokenScope: () => undefined,
  scopeSuggestion: { scope: AI_FOUNDRY_SCOPE, where: 'Anthropic on Azure AI Foundry' },

  plan({ settings, auth, requireKey, nearMiss }) {
    requireKey();
    const endpoint = settings.endpoint;
    if (auth === 'token') {
      if (!endpoint) {
        throw new ConfigurationError(
          `No endpoint for anthropic with a token provider. Set ${names.endpoint[0]} to your Azure AI Foundry endpoint, e.g. https://<resource>.services.ai.azure.com/anthropic (or use ${names.apiKey[0]} without a token provider).${nearMiss(names.endpoint)}`,
        );
      }
      const baseURL = anthropicBase(endpoint);
      assertBearerTransport(baseURL, endpoint.from);
      return { baseURL };
    }
    return { baseURL: endpoint ? anthropicBase(endpoint) : 'https://api.anthropic.com' };
  },

  missingCredentialsMessage: (keys) =>
    `No credentials for anthropic. Set ${keys}, or set AZURE_AUTH_METHOD=azure_ad with AZURE_AUTH_SCOPE=${AI_FOUNDRY_SCOPE} (Anthropic on Azure AI Foundry), or pass tokenProvider.`,

  async createSender(connection, credential, transport) {
    const client = await createAnthropicClient(connection, credential, transport);
    return anthropicSender(client, connection.model);
  },
};
