import { ConfigurationError } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import {
  isAzureV1Endpoint,
  modelStringFromEnv,
  resolveProviderSettings,
  resolveWireApi,
} from './provider-settings.js';

describe('resolveProviderSettings', () => {
  it('reads the seed names for azure-openai', () => {
    const settings = resolveProviderSettings('azure-openai', {
      OPEN_AI_END_POINT: 'https://res.openai.azure.com/',
      OPEN_AI_API_VERSION: '2024-02-01',
      OPEN_AI_DEPLOYMENT_NAME: 'gpt-4o',
      OPEN_AI_KEY: 'seed-key',
    });
    expect(settings).toEqual({
      provider: 'azure-openai',
      endpoint: { value: 'https://res.openai.azure.com/', from: 'OPEN_AI_END_POINT' },
      azureApi: 'deployments',
      apiVersion: { value: '2024-02-01', from: 'OPEN_AI_API_VERSION' },
      apiKey: { value: 'seed-key', from: 'OPEN_AI_KEY' },
      defaultName: { value: 'gpt-4o', from: 'OPEN_AI_DEPLOYMENT_NAME' },
      wireApi: 'completions',
    });
  });

  it('falls back to the AZURE_OPENAI_* names, setting by setting', () => {
    const settings = resolveProviderSettings('azure-openai', {
      OPEN_AI_END_POINT: 'https://seed.openai.azure.com',
      AZURE_OPENAI_ENDPOINT: 'https://sdk.openai.azure.com',
      AZURE_OPENAI_API_VERSION: '2024-10-21',
      OPEN_AI_KEY: '  ',
      AZURE_OPENAI_API_KEY: 'sdk-key',
      AZURE_OPENAI_DEPLOYMENT_NAME: 'dep',
    });
    expect(settings.endpoint).toEqual({
      value: 'https://seed.openai.azure.com',
      from: 'OPEN_AI_END_POINT',
    });
    expect(settings.apiVersion).toEqual({ value: '2024-10-21', from: 'AZURE_OPENAI_API_VERSION' });
    expect(settings.apiKey).toEqual({ value: 'sdk-key', from: 'AZURE_OPENAI_API_KEY' });
    expect(settings.defaultName?.from).toBe('AZURE_OPENAI_DEPLOYMENT_NAME');
  });

  it('recognises the v1 endpoint', () => {
    expect(isAzureV1Endpoint('https://res.openai.azure.com/openai/v1')).toBe(true);
    expect(isAzureV1Endpoint('https://res.openai.azure.com/openai/v1/')).toBe(true);
    expect(isAzureV1Endpoint('https://res.openai.azure.com/openai/v1?x=1')).toBe(true);
    expect(isAzureV1Endpoint('https://res.openai.azure.com/openai')).toBe(false);
    expect(isAzureV1Endpoint('https://res.openai.azure.com/')).toBe(false);
    expect(
      resolveProviderSettings('azure-openai', {
        AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/openai/v1/',
      }).azureApi,
    ).toBe('v1');
  });

  it('reads anthropic, openai and ollama-local', () => {
    expect(
      resolveProviderSettings('anthropic', {
        ANTHROPIC_API_KEY: 'a-key',
        ANTHROPIC_END_POINT: 'https://res.services.ai.azure.com/anthropic',
        ANTHROPIC_DEPLOYMENT_NAME: 'claude',
      }),
    ).toEqual({
      provider: 'anthropic',
      apiKey: { value: 'a-key', from: 'ANTHROPIC_API_KEY' },
      endpoint: {
        value: 'https://res.services.ai.azure.com/anthropic',
        from: 'ANTHROPIC_END_POINT',
      },
      defaultName: { value: 'claude', from: 'ANTHROPIC_DEPLOYMENT_NAME' },
    });
    expect(
      resolveProviderSettings('openai', {
        OPENAI_API_KEY: 'o-key',
        OPENAI_ENDPOINT: 'http://127.0.0.1:1/v1',
      }),
    ).toEqual({
      provider: 'openai',
      apiKey: { value: 'o-key', from: 'OPENAI_API_KEY' },
      endpoint: { value: 'http://127.0.0.1:1/v1', from: 'OPENAI_ENDPOINT' },
      wireApi: 'completions',
    });
    expect(resolveProviderSettings('ollama-local', {})).toEqual({
      provider: 'ollama-local',
      port: 11434,
    });
    expect(
      resolveProviderSettings('ollama-local', {
        LOCAL_MODEL_PORT: '8080',
        LOCAL_MODEL_NAME: 'qwen',
      }),
    ).toEqual({
      provider: 'ollama-local',
      port: 8080,
      defaultName: { value: 'qwen', from: 'LOCAL_MODEL_NAME' },
    });
  });

  it.each(['abc', '0', '70000', '12.5'])('rejects LOCAL_MODEL_PORT=%s', (port) => {
    expect(() => resolveProviderSettings('ollama-local', { LOCAL_MODEL_PORT: port })).toThrow(
      /LOCAL_MODEL_PORT.*not a port/,
    );
  });

  it('rejects an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() =>
      resolveProviderSettings('azure-openai', { OPEN_AI_END_POINT: 'res.openai.azure.com' }),
    ).toThrow(/OPEN_AI_END_POINT is not an http\(s\) URL/);
    expect(() => resolveProviderSettings('openai', { OPENAI_ENDPOINT: 'ftp://x' })).toThrow(
      ConfigurationError,
    );
  });

  it('never reads process.env when an env is given', () => {
    const before = process.env.OPEN_AI_KEY;
    process.env.OPEN_AI_KEY = 'from-process-env';
    try {
      expect(resolveProviderSettings('azure-openai', {}).apiKey).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.OPEN_AI_KEY;
      else process.env.OPEN_AI_KEY = before;
    }
  });
});

describe('resolveWireApi', () => {
  it('defaults to completions; the option wins over OPEN_AI_WIRE_API', () => {
    expect(resolveWireApi({})).toBe('completions');
    expect(resolveWireApi({ OPEN_AI_WIRE_API: 'Responses' })).toBe('responses');
    expect(resolveWireApi({ OPEN_AI_WIRE_API: 'responses' }, 'completions')).toBe('completions');
  });

  it('rejects unknown values, naming where they came from', () => {
    expect(() => resolveWireApi({ OPEN_AI_WIRE_API: 'chat' })).toThrow(
      /OPEN_AI_WIRE_API is "chat".*completions, responses/,
    );
    expect(() => resolveWireApi({}, 'assistants')).toThrow(/wireApi option/);
  });
});

describe('modelStringFromEnv', () => {
  it('builds model strings from *_DEPLOYMENT_NAME and LOCAL_MODEL_NAME', () => {
    expect(modelStringFromEnv('azure-openai', { OPEN_AI_DEPLOYMENT_NAME: 'gpt-4o' })).toBe(
      'azure-openai/gpt-4o',
    );
    expect(modelStringFromEnv('azure-openai', { AZURE_OPENAI_DEPLOYMENT_NAME: 'd2' })).toBe(
      'azure-openai/d2',
    );
    expect(modelStringFromEnv('anthropic', { ANTHROPIC_DEPLOYMENT_NAME: 'claude' })).toBe(
      'anthropic/claude',
    );
    expect(modelStringFromEnv('ollama-local', { LOCAL_MODEL_NAME: 'llama3.2' })).toBe(
      'ollama-local/llama3.2',
    );
  });

  it('says which variable to set', () => {
    expect(() => modelStringFromEnv('azure-openai', {})).toThrow(
      /Set OPEN_AI_DEPLOYMENT_NAME or AZURE_OPENAI_DEPLOYMENT_NAME/,
    );
    expect(() => modelStringFromEnv('openai', {})).toThrow(/openai\/<model>/);
    expect(() => modelStringFromEnv('ollama-local', { LOCAL_MODEL_NAME: 'a/b' })).toThrow(
      /without "\/"/,
    );
  });
});
