import { ChainedTokenCredential, CredentialUnavailableError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { namedChain } from './chain-failure.js';

const unavailable = (message: string) => ({
  getToken: async () => {
    throw new CredentialUnavailableError(message);
  },
});

describe('namedChain', () => {
  it('names each step beside its reason when every step fails, and keeps the chain itself', async () => {
    const chain = namedChain(
      new ChainedTokenCredential(
        unavailable('first: not here'),
        unavailable('second:\n  nor here'),
      ),
      [
        { method: 'managed_identity', className: 'ManagedIdentityCredential' },
        { method: 'azure_cli', className: 'AzureCliCredential' },
      ],
    );
    expect(chain).toBeInstanceOf(ChainedTokenCredential);
    const error = await chain.getToken('scope/.default').catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'every step of the chain failed, in order:\n1. managed_identity (ManagedIdentityCredential): first: not here\n2. azure_cli (AzureCliCredential): second: nor here',
    );
    expect((error as Error).cause).toMatchObject({ name: 'AggregateAuthenticationError' });
  });

  it('passes a token, and any other error, through unchanged', async () => {
    const token = { token: 't', expiresOnTimestamp: Date.now() + 60_000 };
    const ok = namedChain(new ChainedTokenCredential({ getToken: async () => token }), [
      { method: 'azure_cli', className: 'AzureCliCredential' },
    ]);
    expect(await ok.getToken('scope/.default')).toBe(token);
    const failure = new Error('a refusal that stops the chain');
    const stops = namedChain(
      new ChainedTokenCredential({
        getToken: async () => {
          throw failure;
        },
      }),
      [{ method: 'environment', className: 'EnvironmentCredential' }],
    );
    const error = await stops.getToken('scope/.default').catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('a refusal that stops the chain');
  });
});
