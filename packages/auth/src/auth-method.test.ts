import { describe, expect, it } from 'vitest';
import { AUTH_METHODS, resolveAuthMethod, resolveAuthMethods } from './auth-method.js';
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

describe('resolveAuthMethods: a comma-separated chain', () => {
  it('reads the methods in order, case-insensitively, spaces around commas allowed', () => {
    expect(
      resolveAuthMethods({
        AZURE_AUTH_METHOD: ' Managed_Identity , AZURE_DEVELOPER_CLI,azure_cli ',
      }),
    ).toEqual(['managed_identity', 'azure_developer_cli', 'azure_cli']);
  });

  it('one method is a list of one; unset and api_key are none', () => {
    expect(resolveAuthMethods({ AZURE_AUTH_METHOD: 'azure_cli' })).toEqual(['azure_cli']);
    expect(resolveAuthMethods({ AZURE_AUTH_METHOD: 'api_key' })).toEqual([]);
    expect(resolveAuthMethods({})).toEqual([]);
  });

  it('resolveAuthMethod gives the first method of a chain (and checks the whole of it)', () => {
    expect(resolveAuthMethod({ AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli' })).toBe(
      'managed_identity',
    );
    expect(() => resolveAuthMethod({ AZURE_AUTH_METHOD: 'managed_identity,azd' })).toThrow(
      ConfigurationError,
    );
  });

  it.each([
    [
      'managed_identity,azd',
      'AZURE_AUTH_METHOD="managed_identity,azd": "azd" (element 2) is not a known auth method. A chain lists these, comma-separated: azure_ad, managed_identity, azure_cli, azure_developer_cli, environment, workload_identity.',
    ],
    [
      'managed_identity,,azure_cli',
      'AZURE_AUTH_METHOD="managed_identity,,azure_cli" has an empty element 2 (two commas in a row, or a comma at an end). A chain is a comma-separated list of the other methods, tried in order, e.g. managed_identity,azure_developer_cli.',
    ],
    [
      'azure_cli,',
      'AZURE_AUTH_METHOD="azure_cli," has an empty element 2 (two commas in a row, or a comma at an end).',
    ],
    [
      'azure_cli, AZURE_CLI',
      'AZURE_AUTH_METHOD="azure_cli, AZURE_CLI" names azure_cli twice: a chain tries each credential once. Remove the duplicate.',
    ],
    [
      'managed_identity,api_key',
      'AZURE_AUTH_METHOD="managed_identity,api_key" has api_key in a chain: API keys are not a credential that a chain can fall back to. Set AZURE_AUTH_METHOD=api_key (or leave it unset) for keys, or list only credential methods: azure_ad, managed_identity, azure_cli, azure_developer_cli, environment, workload_identity.',
    ],
  ])('rejects %j: %s', (value, message) => {
    const attempt = () => resolveAuthMethods({ AZURE_AUTH_METHOD: value });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
  });
});

// The scope decisions per provider moved with that knowledge to @bots/providers
// (packages/providers/src/token-scope.test.ts, 'resolveScope').
