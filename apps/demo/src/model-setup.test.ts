import type { ChatModel } from '@bots/providers';
import { describe, expect, it } from 'vitest';
import { describeConnection } from './model-setup.js';

const model = {
  provider: 'azure-openai',
  name: 'gpt-4o',
  connection: { endpoint: 'https://res.openai.azure.com', auth: 'token', apiVersion: '2024-10-21' },
} as unknown as ChatModel;

describe('describeConnection', () => {
  it('names every step of a chain in AZURE_AUTH_METHOD, not only the first', () => {
    expect(
      describeConnection(model, { AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli' }),
    ).toBe(
      'azure-openai/gpt-4o at https://res.openai.azure.com, api-version 2024-10-21, Entra ID token (AZURE_AUTH_METHOD=managed_identity,azure_developer_cli)',
    );
    expect(describeConnection(model, { AZURE_AUTH_METHOD: 'azure_ad' })).toContain(
      'Entra ID token (AZURE_AUTH_METHOD=azure_ad)',
    );
  });
});
