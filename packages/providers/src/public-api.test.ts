import { fileURLToPath } from 'node:url';
import { entrySource, exportedSubpaths, typeOnlyExports } from '@bots/test-kit';
import { expect, test } from 'vitest';
import * as root from './index.js';

// The public names of each entry point of @bots/providers, runtime and type-only. A change to these
// lists is a deliberate API decision: review it, then update the snapshots (vitest -u).
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

test('every entry point of the exports map has its snapshots here', () => {
  expect(exportedSubpaths(packageDirectory)).toEqual(['.']);
});

test('@bots/providers: runtime names', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_MAX_RETRIES",
      "DEFAULT_MAX_RETRY_DELAY_MS",
      "DEFAULT_OLLAMA_PORT",
      "DEFAULT_PROVIDER",
      "DEFAULT_REQUEST_TIMEOUT_MS",
      "ENV_NAMES",
      "InvalidModelError",
      "MODEL_STRING_FORMS",
      "MissingCredentialsError",
      "ModelAuthenticationError",
      "ModelRequestError",
      "ModelTimeoutError",
      "PROVIDER_NAMES",
      "ResolvedConnection",
      "WIRE_APIS",
      "anthropic",
      "azureOpenAI",
      "builtInProviders",
      "connect",
      "createChatModel",
      "environmentVariables",
      "environmentVariablesOf",
      "findProvider",
      "modelForm",
      "modelForms",
      "modelStringFromEnv",
      "ollamaLocal",
      "openai",
      "parseModel",
      "planConnection",
      "providerNamed",
      "readEnvSetting",
      "renderSelectionTable",
      "resolveConnection",
      "resolveProviderSettings",
      "resolveScope",
      "selectRow",
      "selectionTable",
      "selectionTableOf",
      "takesTokens",
      "tokenProviderForProvider",
    ]
  `);
});

test('@bots/providers: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, '.'), root)).toMatchInlineSnapshot(`
    [
      "AzureOpenAIApi",
      "ChatMessage",
      "ChatModel",
      "ChatModelConnection",
      "ChatRequest",
      "ChatResponse",
      "ChatRole",
      "ChatUsage",
      "ClientTransportOptions",
      "ConnectOptions",
      "ConnectionCredential",
      "ConnectionPlan",
      "CreateChatModelOptions",
      "EnvValue",
      "EnvironmentVariable",
      "ModelConnection",
      "ModelRequestErrorDetails",
      "ParsedModel",
      "PlanConnectionOptions",
      "PlanContext",
      "PlannedEndpoint",
      "ProviderDefinition",
      "ProviderName",
      "ProviderRegistry",
      "ProviderSettings",
      "ReadEnvSettingOptions",
      "ResolveConnectionOptions",
      "ResolveScopeOptions",
      "ResolveSettingsOptions",
      "RetryInfo",
      "ScopeSuggestion",
      "SelectionInput",
      "SelectionRow",
      "SettingsContext",
      "TokenProviderColumn",
      "TokenProviderForProviderOptions",
      "WarningListener",
      "WireApi",
    ]
  `);
});
