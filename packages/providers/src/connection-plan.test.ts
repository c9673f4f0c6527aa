import { ConfigurationError } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { planConnection, tokenScopeFor } from './connection-plan.js';
import { parseModel } from './model-string.js';
import { resolveProviderSettings } from './provider-settings.js';

function plan(model: string, env: Record<string, string>, hasTokenProvider: boolean) {
  const parsed = parseModel(model);
  return planConnection(parsed, resolveProviderSettings(parsed.provider, env), {
    hasTokenProvider,
  });
}

describe('planConnection', () => {
  it('dated Azure API: resource endpoint, api-version, token or key', () => {
    const env = {
      OPEN_AI_END_POINT: 'https://res.openai.azure.com/openai/',
      OPEN_AI_API_VERSION: '2024-10-21',
      OPEN_AI_KEY: 'k',
    };
    expect(plan('azure-openai/gpt-4o', env, true)).toMatchObject({
      baseURL: 'https://res.openai.azure.com',
      auth: 'token',
      azureApi: 'deployments',
      apiVersion: '2024-10-21',
      wireApi: 'completions',
    });
    expect(plan('azure-openai/gpt-4o', env, false)).toMatchObject({
      auth: 'key',
      keyFrom: 'OPEN_AI_KEY',
    });
  });

  it('v1 Azure API: no api-version needed', () => {
    const result = plan(
      'azure-openai/gpt-4o',
      {
        AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/openai/v1/',
        OPEN_AI_WIRE_API: 'responses',
      },
      true,
    );
    expect(result).toMatchObject({
      baseURL: 'https://res.openai.azure.com/openai/v1',
      azureApi: 'v1',
      auth: 'token',
      wireApi: 'responses',
    });
    expect(result.apiVersion).toBeUndefined();
  });

  it('anthropic: Foundry base URL with a token, api.anthropic.com by default with a key', () => {
    expect(
      plan(
        'anthropic/claude',
        { ANTHROPIC_END_POINT: 'https://r.services.ai.azure.com/anthropic/v1/messages' },
        true,
      ),
    ).toMatchObject({ baseURL: 'https://r.services.ai.azure.com/anthropic', auth: 'token' });
    expect(plan('anthropic/claude', { ANTHROPIC_API_KEY: 'k' }, false)).toMatchObject({
      baseURL: 'https://api.anthropic.com',
      auth: 'key',
    });
  });

  it('openai and ollama-local', () => {
    expect(plan('openai/gpt-4o', { OPENAI_API_KEY: 'k' }, true)).toMatchObject({
      baseURL: 'https://api.openai.com/v1',
      auth: 'key',
    });
    expect(plan('ollama-local/llama3.2', { LOCAL_MODEL_PORT: '1234' }, true)).toMatchObject({
      baseURL: 'http://localhost:1234',
      auth: 'none',
    });
  });

  it.each([
    [
      'azure-openai/d',
      {},
      true,
      /No endpoint for azure-openai\. Set OPEN_AI_END_POINT \(or AZURE_OPENAI_ENDPOINT\)/,
    ],
    [
      'azure-openai/d',
      { OPEN_AI_END_POINT: 'https://res.openai.azure.com', OPEN_AI_KEY: 'k' },
      false,
      /Set OPEN_AI_API_VERSION \(or AZURE_OPENAI_API_VERSION\)/,
    ],
    [
      'azure-openai/d',
      { OPEN_AI_END_POINT: 'https://res.openai.azure.com', OPEN_AI_API_VERSION: '2024-10-21' },
      false,
      /Set OPEN_AI_KEY \(or AZURE_OPENAI_API_KEY\), or set AZURE_AUTH_METHOD=azure_ad.*or pass tokenProvider/,
    ],
    [
      'anthropic/c',
      {},
      false,
      /Set ANTHROPIC_API_KEY, or set AZURE_AUTH_METHOD=azure_ad.*or pass tokenProvider/,
    ],
    ['anthropic/c', {}, true, /Set ANTHROPIC_END_POINT/],
    ['openai/m', {}, false, /Set OPENAI_API_KEY/],
    [
      'azure-openai/d',
      { OPEN_AI_END_POINT: 'http://example.invalid', OPEN_AI_API_VERSION: '2024-10-21' },
      true,
      /Refusing to send a bearer token to http:\/\/example\.invalid \(the OPEN_AI_END_POINT\)/,
    ],
    [
      'azure-openai/d',
      { OPEN_AI_END_POINT: 'http://example.invalid/openai/v1' },
      true,
      /Refusing to send a bearer token/,
    ],
    [
      'anthropic/c',
      { ANTHROPIC_END_POINT: 'http://10.0.0.1/anthropic' },
      true,
      /Refusing to send a bearer token/,
    ],
  ] as const)('%s with %j (token provider: %s) fails: %s', (model, env, hasToken, message) => {
    expect(() => plan(model, env, hasToken)).toThrow(ConfigurationError);
    expect(() => plan(model, env, hasToken)).toThrow(message);
  });

  it('allows a bearer token or a key to plain http on loopback', () => {
    expect(
      plan(
        'azure-openai/d',
        { OPEN_AI_END_POINT: 'http://127.0.0.1:8080', OPEN_AI_API_VERSION: '2024-10-21' },
        true,
      ).auth,
    ).toBe('token');
    expect(
      plan('azure-openai/d', { OPEN_AI_END_POINT: 'http://localhost:8080/openai/v1' }, true).auth,
    ).toBe('token');
    expect(
      plan(
        'azure-openai/d',
        { OPEN_AI_END_POINT: 'http://[::1]:8080/openai/v1', OPEN_AI_KEY: 'k' },
        false,
      ).auth,
    ).toBe('key');
  });

  it.each([
    ['azure-openai/d', { OPEN_AI_END_POINT: 'http://10.0.0.5:8080/openai/v1', OPEN_AI_KEY: 'k' }],
    ['anthropic/c', { ANTHROPIC_END_POINT: 'http://proxy.internal', ANTHROPIC_API_KEY: 'k' }],
    ['openai/m', { OPENAI_ENDPOINT: 'http://192.168.1.2:8000/v1', OPENAI_API_KEY: 'k' }],
  ])('refuses an API key to plain http off loopback (%s) unless told to', (model, env) => {
    expect(() => plan(model, env, false)).toThrow(
      /^Refusing to send the API key from [A-Z_]+ to http:\/\/[^ ]+ \(the [A-Z_]+\): keys go only over https, or over plain http to a loopback address\. Anyone on the network path could read it\. .*pass allowPlainHttpKey: true \(or set BOTS_ALLOW_PLAIN_HTTP_KEY=true\)\.$/,
    );
    expect(plan(model, { ...env, BOTS_ALLOW_PLAIN_HTTP_KEY: 'true' }, false).auth).toBe('key');
    const parsed = parseModel(model);
    const settings = resolveProviderSettings(parsed.provider, env);
    expect(
      planConnection(parsed, settings, { hasTokenProvider: false, allowPlainHttpKey: true }).auth,
    ).toBe('key');
    // The option wins over the env variable.
    const allowed = resolveProviderSettings(parsed.provider, {
      ...env,
      BOTS_ALLOW_PLAIN_HTTP_KEY: 'true',
    });
    expect(() =>
      planConnection(parsed, allowed, { hasTokenProvider: false, allowPlainHttpKey: false }),
    ).toThrow(/Refusing to send the API key/);
  });
});

describe('tokenScopeFor', () => {
  it('Foundry scope for the v1 API, auth default otherwise, AZURE_AUTH_SCOPE always wins', () => {
    const v1 = resolveProviderSettings('azure-openai', {
      OPEN_AI_END_POINT: 'https://r/openai/v1',
    });
    const dated = resolveProviderSettings('azure-openai', { OPEN_AI_END_POINT: 'https://r' });
    const anthropic = resolveProviderSettings('anthropic', {});
    expect(tokenScopeFor(v1, {})).toBe('https://ai.azure.com/.default');
    expect(tokenScopeFor(dated, {})).toBeUndefined();
    expect(tokenScopeFor(anthropic, {})).toBeUndefined();
    expect(tokenScopeFor(v1, { AZURE_AUTH_SCOPE: 'api://custom/.default' })).toBe(
      'api://custom/.default',
    );
    expect(tokenScopeFor(anthropic, { AZURE_AUTH_SCOPE: 'https://ai.azure.com/.default' })).toBe(
      'https://ai.azure.com/.default',
    );
  });
});
