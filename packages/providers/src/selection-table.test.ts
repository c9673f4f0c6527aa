import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from './model-string.js';
import { acceptsTokenProvider, selectionTable, selectRow } from './selection-table.js';

describe('selectionTable', () => {
  it('has one row per (token provider, provider, api) and covers every provider', () => {
    const keys = selectionTable.map((row) => `${row.tokenProvider}|${row.provider}|${row.api}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const provider of PROVIDER_NAMES) {
      expect(selectionTable.some((row) => row.provider === provider)).toBe(true);
    }
  });

  it('keeps the design rows in the design order', () => {
    expect(selectionTable.map((row) => [row.tokenProvider, row.provider])).toEqual([
      ['yes', 'azure-openai'],
      ['yes', 'azure-openai'],
      ['no', 'azure-openai'],
      ['no', 'azure-openai'],
      ['yes', 'anthropic'],
      ['no', 'anthropic'],
      ['-', 'ollama-local'],
      ['no', 'openai'],
    ]);
  });
});

describe('selectRow', () => {
  it.each([
    [
      { provider: 'azure-openai', hasTokenProvider: true, api: 'deployments' },
      'AzureOpenAI({ azureADTokenProvider',
    ],
    [
      { provider: 'azure-openai', hasTokenProvider: true, api: 'v1' },
      'OpenAI({ baseURL, apiKey: tokenProvider })',
    ],
    [
      { provider: 'azure-openai', hasTokenProvider: false, api: 'deployments' },
      'AzureOpenAI({ apiKey',
    ],
    [
      { provider: 'azure-openai', hasTokenProvider: false, api: 'v1' },
      'OpenAI({ baseURL, apiKey })',
    ],
    [{ provider: 'azure-openai', hasTokenProvider: false }, 'AzureOpenAI({ apiKey'],
    [{ provider: 'anthropic', hasTokenProvider: true }, 'AnthropicFoundry'],
    [{ provider: 'anthropic', hasTokenProvider: false }, 'Anthropic({ apiKey'],
    [{ provider: 'ollama-local', hasTokenProvider: true }, 'local HTTP'],
    [{ provider: 'ollama-local', hasTokenProvider: false }, 'local HTTP'],
    [{ provider: 'openai', hasTokenProvider: true }, 'OpenAI({ apiKey, baseURL? })'],
    [{ provider: 'openai', hasTokenProvider: false }, 'OpenAI({ apiKey, baseURL? })'],
  ] as const)('%j -> %s', (input, client) => {
    expect(selectRow(input).client).toContain(client);
  });

  it('only azure-openai and anthropic take a token provider', () => {
    expect(PROVIDER_NAMES.filter((provider) => acceptsTokenProvider(provider))).toEqual([
      'azure-openai',
      'anthropic',
    ]);
  });

  it('decides from the table it is given', () => {
    const table = [
      { tokenProvider: '-', provider: 'openai', api: '-', client: 'custom', auth: 'x' },
    ] as const;
    expect(selectRow({ provider: 'openai', hasTokenProvider: false }, table).client).toBe('custom');
    expect(() => selectRow({ provider: 'anthropic', hasTokenProvider: false }, table)).toThrow(
      /table is incomplete/,
    );
  });
});
