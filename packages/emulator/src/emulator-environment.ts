import type { EmulatorUrls } from './emulator.js';
import type { EmulatorApiKeys } from './emulator-options.js';

/** The environment that points clients at the emulator, keys left out. */
export function emulatorEnvironment(
  urls: EmulatorUrls,
  identityHeader: string,
  apiVersion: string,
): Record<string, string> {
  return {
    IDENTITY_ENDPOINT: urls.identity,
    IDENTITY_HEADER: identityHeader,
    AZURE_OPENAI_ENDPOINT: urls.azureOpenAI,
    OPEN_AI_END_POINT: urls.azureOpenAI,
    AZURE_OPENAI_API_VERSION: apiVersion,
    OPEN_AI_API_VERSION: apiVersion,
    OPENAI_API_VERSION: apiVersion,
    ANTHROPIC_END_POINT: urls.anthropicFoundry,
    OPENAI_ENDPOINT: urls.openai,
    LOCAL_MODEL_PORT: new URL(urls.ollama).port,
  };
}

/** The API keys under the environment names clients read them from. */
export function keyEnvironment(apiKeys: EmulatorApiKeys): Record<string, string> {
  return {
    OPEN_AI_KEY: apiKeys.azureOpenAI,
    AZURE_OPENAI_API_KEY: apiKeys.azureOpenAI,
    ANTHROPIC_API_KEY: apiKeys.anthropic,
    OPENAI_API_KEY: apiKeys.openai,
  };
}
