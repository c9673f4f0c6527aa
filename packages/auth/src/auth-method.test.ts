import { describe, expect, it } from 'vitest';
import { AUTH_METHODS, resolveAuthMethod, resolveScope } from './auth-method.js';
import { ConfigurationError } from './errors.js';
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE } from './scopes.js';

describe('resolveAuthMethod', () => {
  it('treats unset and empty as api_key', () => {
    expect(resolveAuthMethod({})).toBe('api_key');
    expect(resolveAuthMethod({ AZURE_AUTH_METHOD: '  ' })).toBe('api_key');
  });

  it.each(AUTH_METHODS)('accepts %s, case-insensitively', (method) => {
    expect(resolveAuthMethod({ AZURE_AUTH_METHOD: method })).toBe(method);
    expect(resolveAuthMethod({ AZURE_AUTH_METHOD: method.toUpperCase() })).toBe(method);
  });

  it('rejects an unknown method with the list of valid ones', () => {
    const attempt = () => resolveAuthMethod({ AZURE_AUTH_METHOD: 'azuread' });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      'AZURE_AUTH_METHOD is "azuread", which is not a known auth method. Set it to one of: api_key, azure_ad, managed_identity, azure_cli, azure_developer_cli, environment, workload_identity (or leave it unset to use API keys).',
    );
  });
});

describe('resolveScope', () => {
  it('uses the Cognitive Services scope for azure-openai and when no provider is named', () => {
    expect(resolveScope({ env: {}, provider: 'azure-openai' })).toBe(COGNITIVE_SERVICES_SCOPE);
    expect(resolveScope({ env: {} })).toBe(COGNITIVE_SERVICES_SCOPE);
  });

  it('lets AZURE_AUTH_SCOPE override, and an explicit scope override both', () => {
    const env = { AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE };
    expect(resolveScope({ env, provider: 'azure-openai' })).toBe(AI_FOUNDRY_SCOPE);
    expect(resolveScope({ env, provider: 'anthropic' })).toBe(AI_FOUNDRY_SCOPE);
    expect(resolveScope({ env, provider: 'anthropic', scope: 'api://mine/.default' })).toBe(
      'api://mine/.default',
    );
  });

  it('refuses to guess the scope for anthropic and says what to set', () => {
    const attempt = () => resolveScope({ env: {}, provider: 'anthropic' });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      /Set AZURE_AUTH_SCOPE=https:\/\/ai\.azure\.com\/\.default .*or pass tokenProvider/,
    );
  });

  it('gives no scope for providers that never take an Entra ID token', () => {
    const env = { AZURE_AUTH_SCOPE: AI_FOUNDRY_SCOPE };
    expect(resolveScope({ env, provider: 'openai' })).toBeUndefined();
    expect(resolveScope({ env, provider: 'ollama-local' })).toBeUndefined();
  });
});
