import { describe, expect, it } from 'vitest';
import { AUTH_METHODS, resolveAuthMethod } from './auth-method.js';
import { ConfigurationError } from './errors.js';

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

// The scope decisions per provider moved with that knowledge to @bots/providers
// (packages/providers/src/token-scope.test.ts, 'resolveScope').
