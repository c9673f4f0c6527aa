// Adding a provider is one definition and one registry entry: an example provider, defined here
// in a few lines, appears in the selection table, the environment-variable table, parseModel's
// list of valid forms, and createChatModel builds it (the CLI's help is apps/demo/src/help.test.ts).
import { describe, expect, it } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { environmentVariablesOf, renderEnvironmentTable } from './environment-variables.js';
import { parseModel } from './model-string.js';
import type { ProviderDefinition } from './provider-definition.js';
import { builtInProviders } from './provider-registry.js';
import { resolveConnection } from './resolve-connection.js';
import { renderSelectionTable, selectionTableOf } from './selection-table.js';

/** A key-only provider whose "client" echoes the last message (no network). */
const echo: ProviderDefinition = {
  name: 'echo',
  nameKind: 'model',
  environmentVariables: [
    { name: 'ECHO_API_KEY', provider: 'echo', description: 'API key of echo.', secret: true },
  ],
  defaultNameVariables: [],
  keyVariables: ['ECHO_API_KEY'],
  readSettings: ({ read }) => {
    const apiKey = read(['ECHO_API_KEY']);
    return { provider: 'echo', ...(apiKey ? { apiKey } : {}) };
  },
  selectionRows: [
    { tokenProvider: 'no', provider: 'echo', api: '-', client: 'echo', auth: '`x-echo-key`' },
  ],
  plan: () => ({ baseURL: 'https://echo.example' }),
  missingCredentialsMessage: (keys) => `No credentials for echo. Set ${keys}.`,
  createSender: async () => async (request) => ({
    text: `echo: ${request.messages.at(-1)?.content}`,
  }),
};

const providers = [...builtInProviders, echo];

describe('a provider added to the registry', () => {
  it('appears in the selection table and the environment-variable table', () => {
    expect(selectionTableOf(providers).at(-1)).toEqual(echo.selectionRows[0]);
    expect(renderSelectionTable(selectionTableOf(providers))).toContain('| echo ');
    const variables = environmentVariablesOf(providers);
    expect(variables.find((variable) => variable.name === 'ECHO_API_KEY')?.secret).toBe(true);
    expect(
      variables.find((variable) => variable.name === 'BOTS_ALLOW_PLAIN_HTTP_KEY')?.provider,
    ).toBe('azure-openai, anthropic, openai, echo');
    expect(renderEnvironmentTable(variables)).toMatch(
      /\| `ECHO_API_KEY` +\| echo +\| API key of echo\. +\|/,
    );
  });

  it("appears in parseModel's list of valid forms, and parses", () => {
    expect(() => parseModel('nope/x', providers)).toThrow(
      'Use one of: azure-openai/<deployment>, anthropic/<deployment>, openai/<model>, ollama-local/<model>, echo/<model>',
    );
    expect(parseModel('echo/loud', providers)).toEqual({ provider: 'echo', name: 'loud' });
    expect(() => parseModel('echo/loud')).toThrow(/"echo" is not a known provider/);
  });

  it('is resolved and connected like the built-in ones, the key kept out of the connection', async () => {
    const env = { ECHO_API_KEY: 'echo-secret-key-1234' };
    const resolved = await resolveConnection('echo/loud', { env, providers });
    expect(resolved.connection).toEqual({
      provider: 'echo',
      model: 'loud',
      endpoint: 'https://echo.example',
      client: 'echo',
      auth: 'key',
      keyFrom: 'ECHO_API_KEY',
    });
    expect(JSON.stringify(resolved)).not.toContain('echo-secret-key-1234');
    const model = await createChatModel('echo/loud', { env, providers });
    const reply = await model.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.text).toBe('echo: hi');
    await expect(createChatModel('echo/loud', { env: {}, providers })).rejects.toThrow(
      'No credentials for echo. Set ECHO_API_KEY.',
    );
  });
});
