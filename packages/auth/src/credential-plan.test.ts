import { describe, expect, it } from 'vitest';
import {
  credentialPlan,
  instanceDiscoveryDisabled,
  managedIdentityChoice,
} from './credential-plan.js';
import { ConfigurationError } from './errors.js';

const RESOURCE_ID =
  '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bot';

describe('managedIdentityChoice: a user-assigned identity by any id', () => {
  it('none is the system-assigned identity', () => {
    expect(managedIdentityChoice({})).toEqual({});
  });

  it.each([
    [{ AZURE_CLIENT_ID: ' c1 ' }, { clientId: 'c1', from: 'AZURE_CLIENT_ID' }],
    [
      { AZURE_AUTH_IDENTITY_RESOURCE_ID: RESOURCE_ID },
      { resourceId: RESOURCE_ID, from: 'AZURE_AUTH_IDENTITY_RESOURCE_ID' },
    ],
    [
      { AZURE_AUTH_IDENTITY_OBJECT_ID: 'o1' },
      { objectId: 'o1', from: 'AZURE_AUTH_IDENTITY_OBJECT_ID' },
    ],
  ])('%j', (env, choice) => {
    expect(managedIdentityChoice(env)).toEqual(choice);
  });

  it('more than one: a ConfigurationError naming the variables set', () => {
    const attempt = () =>
      managedIdentityChoice({
        AZURE_CLIENT_ID: 'c',
        AZURE_AUTH_IDENTITY_RESOURCE_ID: RESOURCE_ID,
        AZURE_AUTH_IDENTITY_OBJECT_ID: ' ',
      });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      'AZURE_CLIENT_ID and AZURE_AUTH_IDENTITY_RESOURCE_ID are set, but a user-assigned managed identity is picked by one id: set only one of AZURE_CLIENT_ID (its client id), AZURE_AUTH_IDENTITY_RESOURCE_ID (its resource id) or AZURE_AUTH_IDENTITY_OBJECT_ID (its object id), or none for the system-assigned identity.',
    );
  });
});

describe('instanceDiscoveryDisabled: AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY', () => {
  it('true, false (any case), unset', () => {
    expect(instanceDiscoveryDisabled({ AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'TRUE' })).toBe(true);
    expect(instanceDiscoveryDisabled({ AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'false' })).toBe(
      false,
    );
    expect(instanceDiscoveryDisabled({})).toBeUndefined();
  });

  it.each(['1', 'yes', 'on'])('rejects %j, strictly', (value) => {
    expect(() =>
      instanceDiscoveryDisabled({ AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: value }),
    ).toThrow(
      `AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY is "${value}"; set it to true (for an authority the public cloud does not know: a private or sovereign cloud, Azure Stack Hub, a local emulator) or false, or leave it unset.`,
    );
  });
});

describe('credentialPlan: the class and options of each method', () => {
  const discovery = { AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'true' };

  it('azure_ad: DefaultAzureCredential with the managed identity by client or resource id, and discovery off', () => {
    expect(credentialPlan('azure_ad', { AZURE_CLIENT_ID: 'c1', ...discovery })).toEqual({
      method: 'azure_ad',
      className: 'DefaultAzureCredential',
      options: { managedIdentityClientId: 'c1', disableInstanceDiscovery: true },
    });
    expect(
      credentialPlan('azure_ad', { AZURE_AUTH_IDENTITY_RESOURCE_ID: RESOURCE_ID }).options,
    ).toEqual({ managedIdentityResourceId: RESOURCE_ID });
  });

  it('azure_ad with an object id: a ConfigurationError that says to use managed_identity', () => {
    expect(() => credentialPlan('azure_ad', { AZURE_AUTH_IDENTITY_OBJECT_ID: 'o1' })).toThrow(
      'AZURE_AUTH_IDENTITY_OBJECT_ID is set, but DefaultAzureCredential (AZURE_AUTH_METHOD=azure_ad) cannot pick a managed identity by object id. Set AZURE_AUTH_METHOD=managed_identity, or pick the identity by AZURE_CLIENT_ID or AZURE_AUTH_IDENTITY_RESOURCE_ID.',
    );
  });

  it('managed_identity: clientId | resourceId | objectId, no discovery option (it has no authority); the probe only when another credential follows', () => {
    expect(
      credentialPlan('managed_identity', { AZURE_AUTH_IDENTITY_OBJECT_ID: 'o1', ...discovery }),
    ).toEqual({
      method: 'managed_identity',
      className: 'ManagedIdentityCredential',
      options: { objectId: 'o1' },
    });
    expect(
      credentialPlan(
        'managed_identity',
        { AZURE_AUTH_IDENTITY_RESOURCE_ID: RESOURCE_ID },
        {
          followedByAnother: true,
        },
      ).options,
    ).toEqual({ resourceId: RESOURCE_ID, sendProbeRequest: true });
  });

  it('environment and workload_identity: AZURE_CLIENT_ID is the application, the other ids do not apply; discovery passed', () => {
    const env = { AZURE_CLIENT_ID: 'app', AZURE_AUTH_IDENTITY_OBJECT_ID: 'o1', ...discovery };
    expect(credentialPlan('environment', env).options).toEqual({ disableInstanceDiscovery: true });
    expect(
      credentialPlan('workload_identity', {
        ...env,
        AZURE_TENANT_ID: 't',
        AZURE_FEDERATED_TOKEN_FILE: '/var/run/token',
        AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'false',
      }).options,
    ).toEqual({
      clientId: 'app',
      tenantId: 't',
      tokenFilePath: '/var/run/token',
      disableInstanceDiscovery: false,
    });
  });

  it('azure_cli and azure_developer_cli take no options', () => {
    expect(credentialPlan('azure_cli', { ...discovery, AZURE_CLIENT_ID: 'c' }).options).toEqual({});
    expect(credentialPlan('azure_developer_cli', discovery).className).toBe(
      'AzureDeveloperCliCredential',
    );
  });

  it('a bad discovery value fails every method that reads it', () => {
    expect(() =>
      credentialPlan('environment', { AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'maybe' }),
    ).toThrow(ConfigurationError);
  });
});
