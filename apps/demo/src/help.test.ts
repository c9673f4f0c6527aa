// The CLI's help is built from the provider registry: a provider added to it (a few lines here)
// appears in `bots --help`'s model forms and API keys, and the built-in ones are all there.
import { builtInProviders, type ProviderDefinition } from '@bots/providers';
import { describe, expect, it } from 'vitest';
import { mainHelp } from './help.js';

const echo: ProviderDefinition = {
  name: 'echo',
  nameKind: 'model',
  environmentVariables: [
    { name: 'ECHO_API_KEY', provider: 'echo', description: 'API key.', secret: true },
  ],
  defaultNameVariables: [],
  keyVariables: ['ECHO_API_KEY'],
  readSettings: () => ({ provider: 'echo' }),
  selectionRows: [{ tokenProvider: 'no', provider: 'echo', api: '-', client: 'echo', auth: '-' }],
  plan: () => ({ baseURL: 'https://echo.example' }),
  missingCredentialsMessage: (keys) => `No credentials for echo. Set ${keys}.`,
  createSender: async () => async () => ({ text: 'echo' }),
};

describe('bots --help from the registry', () => {
  it('lists the model forms and the API keys of the built-in providers', () => {
    const help = mainHelp([]).replace(/\s+/g, ' ');
    expect(help).toContain(
      'Models (--model): azure-openai/<deployment>, anthropic/<deployment>, openai/<model>, ollama-local/<model>.',
    );
    expect(help).toContain(
      "the provider's API key (OPEN_AI_KEY, ANTHROPIC_API_KEY, OPENAI_API_KEY)",
    );
  });

  it('shows a provider added to the registry', () => {
    const help = mainHelp([], [...builtInProviders, echo]).replace(/\s+/g, ' ');
    expect(help).toContain('ollama-local/<model>, echo/<model>.');
    expect(help).toContain('(OPEN_AI_KEY, ANTHROPIC_API_KEY, OPENAI_API_KEY, ECHO_API_KEY)');
  });
});
