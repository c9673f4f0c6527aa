import {
  AI_FOUNDRY_SCOPE,
  assertBearerTransport,
  COGNITIVE_SERVICES_SCOPE,
  ConfigurationError,
} from '@bots/auth';
import { checkApiVersion } from '../api-version.js';
import { createOpenAIClient, openAISender } from '../openai-client.js';
import type { ProviderDefinition } from '../provider-definition.js';
import {
  ALLOW_PLAIN_HTTP_KEY_VARIABLES,
  assertHttpUrl,
  isAzureV1Endpoint,
  orList,
  resolveFlag,
  resolveWireApi,
  trimSlashes,
  withoutUndefined,
} from '../settings-reading.js';

/**
 * The names each Azure OpenAI setting is read from, first non-empty one wins. The seed names
 * (`OPEN_AI_*`, documented by the reference project) win over the `openai` SDK's `AZURE_OPENAI_*`
 * names, setting by setting.
 */
export const AZURE_OPENAI_VARIABLES = {
  endpoint: ['OPEN_AI_END_POINT', 'AZURE_OPENAI_ENDPOINT'],
  apiVersion: ['OPEN_AI_API_VERSION', 'AZURE_OPENAI_API_VERSION'],
  deploymentName: ['OPEN_AI_DEPLOYMENT_NAME', 'AZURE_OPENAI_DEPLOYMENT_NAME'],
  apiKey: ['OPEN_AI_KEY', 'AZURE_OPENAI_API_KEY'],
} as const;

const names = AZURE_OPENAI_VARIABLES;
const same = (first: string) =>
  `Same as \`${first}\`, used when that is unset (both set to different values: a warning names both, once).`;

/**
 * Azure OpenAI: the dated deployments API (`AzureOpenAI`, `api-version`, Cognitive Services scope)
 * or, for an endpoint ending in `/openai/v1`, the versionless v1 API (`OpenAI` with `baseURL`,
 * Foundry scope).
 */
export const azureOpenAI: ProviderDefinition = {
  name: 'azure-openai',
  nameKind: 'deployment',
  defaultNameVariables: names.deploymentName,
  keyVariables: names.apiKey,
  usesWireApi: true,
  environmentVariables: [
    {
      name: 'OPEN_AI_END_POINT',
      provider: 'azure-openai',
      description:
        'Endpoint, e.g. `https://my-resource.openai.azure.com` (dated deployments API) or `https://my-resource.openai.azure.com/openai/v1` (versionless v1 API). Wins over `AZURE_OPENAI_ENDPOINT`.',
    },
    {
      name: 'AZURE_OPENAI_ENDPOINT',
      provider: 'azure-openai',
      description: same('OPEN_AI_END_POINT'),
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
      description: same('OPEN_AI_API_VERSION'),
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
      description: same('OPEN_AI_DEPLOYMENT_NAME'),
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
      description: same('OPEN_AI_KEY'),
      secret: true,
    },
  ],

  readSettings({ env, read, wireApi }) {
    const endpoint = read(names.endpoint);
    if (endpoint) assertHttpUrl(endpoint, names.apiKey[0]);
    const azureApi = endpoint
      ? isAzureV1Endpoint(endpoint.value)
        ? 'v1'
        : 'deployments'
      : undefined;
    const apiVersion = read(names.apiVersion);
    if (apiVersion) checkApiVersion(apiVersion, azureApi ?? 'deployments');
    return withoutUndefined({
      provider: 'azure-openai',
      endpoint,
      azureApi,
      apiVersion,
      apiKey: read(names.apiKey),
      defaultName: read(names.deploymentName),
      wireApi: resolveWireApi(env, wireApi),
      allowPlainHttpKey: resolveFlag(read(ALLOW_PLAIN_HTTP_KEY_VARIABLES)),
    });
  },

  selectionRows: [
    {
      tokenProvider: 'yes',
      provider: 'azure-openai',
      api: 'deployments',
      client: '`AzureOpenAI({ azureADTokenProvider, endpoint, apiVersion, deployment })`',
      auth: '`Authorization: Bearer <token>` (scope `https://cognitiveservices.azure.com/.default`)',
    },
    {
      tokenProvider: 'yes',
      provider: 'azure-openai',
      api: 'v1',
      client: '`OpenAI({ baseURL, apiKey: tokenProvider })`',
      auth: '`Authorization: Bearer <token>` (scope `https://ai.azure.com/.default`)',
    },
    {
      tokenProvider: 'no',
      provider: 'azure-openai',
      api: 'deployments',
      client: '`AzureOpenAI({ apiKey, endpoint, apiVersion, deployment })`, key from `OPEN_AI_KEY`',
      auth: '`api-key: <key>`',
    },
    {
      tokenProvider: 'no',
      provider: 'azure-openai',
      api: 'v1',
      client: '`OpenAI({ baseURL, apiKey })`, key from `OPEN_AI_KEY`',
      auth: '`api-key: <key>`',
    },
  ],

  tokenScope: (settings) =>
    settings.azureApi === 'v1' ? AI_FOUNDRY_SCOPE : COGNITIVE_SERVICES_SCOPE,

  plan({ settings, auth, requireKey, nearMiss }) {
    const endpoint = settings.endpoint;
    if (!endpoint) {
      throw new ConfigurationError(
        `No endpoint for azure-openai. Set ${orList(names.endpoint)} to https://<resource>.openai.azure.com (dated deployments API) or https://<resource>.openai.azure.com/openai/v1 (versionless v1 API).${nearMiss(names.endpoint)}`,
      );
    }
    requireKey();
    const wireApi = settings.wireApi ?? 'completions';
    if (settings.azureApi === 'v1') {
      const baseURL = trimSlashes(endpoint.value);
      if (auth === 'token') assertBearerTransport(baseURL, endpoint.from);
      return { baseURL, azureApi: 'v1', wireApi };
    }
    const baseURL = trimSlashes(endpoint.value).replace(/\/openai$/i, '');
    if (!settings.apiVersion) {
      throw new ConfigurationError(
        `No API version for the Azure OpenAI deployments API. Set ${orList(names.apiVersion)} (e.g. 2024-10-21), or use an endpoint that ends in /openai/v1 (the versionless v1 API) in ${endpoint.from}.${nearMiss(names.apiVersion)}`,
      );
    }
    if (auth === 'token') assertBearerTransport(baseURL, endpoint.from);
    return { baseURL, azureApi: 'deployments', apiVersion: settings.apiVersion.value, wireApi };
  },

  missingCredentialsMessage: (keys) =>
    `No credentials for azure-openai. Set ${keys}, or set AZURE_AUTH_METHOD=azure_ad (or another Entra ID method) to use a token, or pass tokenProvider.`,

  async createSender(connection, credential, transport) {
    return openAISender(await createOpenAIClient(connection, credential, transport), connection);
  },
};
