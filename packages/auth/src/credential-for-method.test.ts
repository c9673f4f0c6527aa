import * as identity from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  credentialForMethod,
  credentialForMethods,
  credentialFromEnv,
} from './credential-for-method.js';
import { ConfigurationError } from './errors.js';
import type { TokenCredential } from './token-provider.js';

// The real @azure/identity classes are built (no token is asked for: that is
// test/credential-chain.real.test.ts, in fresh processes).

const sourcesOf = (credential: TokenCredential) =>
  (credential as unknown as { _sources: TokenCredential[] })._sources;

const neverImported = async () => {
  throw new Error('@azure/identity must not be imported for bad input');
};

describe('credentialForMethods', () => {
  it('one method is that credential, not a chain', async () => {
    const credential = await credentialForMethod('azure_developer_cli', {});
    expect(credential).toBeInstanceOf(identity.AzureDeveloperCliCredential);
  });

  it('several: a ChainedTokenCredential of their credentials, in order', async () => {
    const credential = await credentialForMethods(
      ['managed_identity', 'azure_developer_cli', 'azure_cli'],
      { AZURE_AUTH_IDENTITY_OBJECT_ID: 'object-1' },
    );
    expect(credential).toBeInstanceOf(identity.ChainedTokenCredential);
    expect(credential).not.toBeInstanceOf(identity.DefaultAzureCredential);
    const sources = sourcesOf(credential);
    expect(sources.map((source) => source.constructor.name)).toEqual([
      'ManagedIdentityCredential',
      'AzureDeveloperCliCredential',
      'AzureCliCredential',
    ]);
    // The user-assigned identity and the probe (another credential follows) reached it.
    expect(sources[0]).toMatchObject({ objectId: 'object-1', sendProbeRequest: true });
  });

  it('azure_ad with a resource id: the managed identity of DefaultAzureCredential gets it', async () => {
    const credential = await credentialForMethod('azure_ad', {
      AZURE_AUTH_IDENTITY_RESOURCE_ID: '/subscriptions/s/resourceGroups/r/providers/x/bot',
    });
    const managed = sourcesOf(credential).find(
      (source) => source instanceof identity.ManagedIdentityCredential,
    );
    expect(managed).toMatchObject({
      resourceId: '/subscriptions/s/resourceGroups/r/providers/x/bot',
    });
  });

  it('bad input in any step is a ConfigurationError before @azure/identity is imported', async () => {
    await expect(
      credentialForMethods(
        ['azure_cli', 'azure_ad'],
        { AZURE_AUTH_IDENTITY_OBJECT_ID: 'o' },
        neverImported,
      ),
    ).rejects.toThrow(ConfigurationError);
    await expect(
      credentialFromEnv(
        { AZURE_AUTH_METHOD: 'environment', AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY: 'yes' },
        neverImported,
      ),
    ).rejects.toThrow('AZURE_AUTH_DISABLE_INSTANCE_DISCOVERY is "yes"');
    await expect(credentialForMethods([], {}, neverImported)).rejects.toThrow(
      'No credential method given',
    );
  });

  it('credentialFromEnv: none for api_key, the chain for a list', async () => {
    expect(
      await credentialFromEnv({ AZURE_AUTH_METHOD: 'api_key' }, neverImported),
    ).toBeUndefined();
    const chain = await credentialFromEnv({ AZURE_AUTH_METHOD: 'azure_cli,azure_developer_cli' });
    expect(sourcesOf(chain as TokenCredential).map((source) => source.constructor.name)).toEqual([
      'AzureCliCredential',
      'AzureDeveloperCliCredential',
    ]);
  });
});

describe('a credential that refuses the environment when it is created', () => {
  it("is a ConfigurationError naming the class and the method, with @azure/identity's reason", async () => {
    const previous = process.env.AZURE_TOKEN_CREDENTIALS;
    process.env.AZURE_TOKEN_CREDENTIALS = 'nonsense';
    try {
      const attempt = credentialForMethods(['azure_cli', 'azure_ad'], {});
      await expect(attempt).rejects.toThrow(ConfigurationError);
      await expect(attempt).rejects.toThrow(
        'DefaultAzureCredential (AZURE_AUTH_METHOD azure_ad) could not be created: Invalid value for AZURE_TOKEN_CREDENTIALS = nonsense.',
      );
    } finally {
      if (previous === undefined) delete process.env.AZURE_TOKEN_CREDENTIALS;
      else process.env.AZURE_TOKEN_CREDENTIALS = previous;
    }
  });
});
