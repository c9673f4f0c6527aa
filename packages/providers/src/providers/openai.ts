import { createOpenAIClient, openAISender } from '../openai-client.js';
import type { ProviderDefinition } from '../provider-definition.js';
import {
  ALLOW_PLAIN_HTTP_KEY_VARIABLES,
  assertHttpUrl,
  resolveFlag,
  resolveWireApi,
  trimSlashes,
  withoutUndefined,
} from '../settings-reading.js';

/** The names each OpenAI setting is read from. */
export const OPENAI_VARIABLES = {
  endpoint: ['OPENAI_ENDPOINT'],
  apiKey: ['OPENAI_API_KEY'],
} as const;

const names = OPENAI_VARIABLES;

/** OpenAI (or an OpenAI-compatible API): API keys only, `OpenAI({ apiKey, baseURL? })`. */
export const openai: ProviderDefinition = {
  name: 'openai',
  nameKind: 'model',
  defaultNameVariables: [],
  keyVariables: names.apiKey,
  usesWireApi: true,
  environmentVariables: [
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
  ],

  readSettings({ env, read, wireApi }) {
    const endpoint = read(names.endpoint);
    if (endpoint) assertHttpUrl(endpoint, names.apiKey[0]);
    return withoutUndefined({
      provider: 'openai',
      endpoint,
      apiKey: read(names.apiKey),
      wireApi: resolveWireApi(env, wireApi),
      allowPlainHttpKey: resolveFlag(read(ALLOW_PLAIN_HTTP_KEY_VARIABLES)),
    });
  },

  selectionRows: [
    {
      tokenProvider: 'no',
      provider: 'openai',
      api: '-',
      client: '`OpenAI({ apiKey, baseURL? })`, key from `OPENAI_API_KEY`',
      auth: '`Authorization: Bearer <key>`',
    },
  ],

  plan({ settings, requireKey }) {
    requireKey();
    return {
      baseURL: settings.endpoint
        ? trimSlashes(settings.endpoint.value)
        : 'https://api.openai.com/v1',
      wireApi: settings.wireApi ?? 'completions',
    };
  },

  missingCredentialsMessage: (keys) =>
    `No credentials for openai. Set ${keys}. (openai/<model> uses API keys only; for keyless Entra ID auth use azure-openai/<deployment> with AZURE_AUTH_METHOD=azure_ad or pass tokenProvider.)`,

  async createSender(connection, credential, transport) {
    return openAISender(await createOpenAIClient(connection, credential, transport), connection);
  },
};
