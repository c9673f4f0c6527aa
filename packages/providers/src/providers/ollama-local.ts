import { ollamaSender } from '../ollama-client.js';
import type { ProviderDefinition } from '../provider-definition.js';
import { resolvePort, withoutUndefined } from '../settings-reading.js';

/** The default port of a local Ollama server (`LOCAL_MODEL_PORT`). */
export const DEFAULT_OLLAMA_PORT = 11434;

/** The names each Ollama setting is read from. */
export const OLLAMA_LOCAL_VARIABLES = {
  modelName: ['LOCAL_MODEL_NAME'],
  port: ['LOCAL_MODEL_PORT'],
} as const;

const names = OLLAMA_LOCAL_VARIABLES;

/** A local Ollama server on `http://localhost:<LOCAL_MODEL_PORT>`: `POST /api/chat`, no auth. */
export const ollamaLocal: ProviderDefinition = {
  name: 'ollama-local',
  nameKind: 'model',
  defaultNameVariables: names.modelName,
  keyVariables: [],
  environmentVariables: [
    {
      name: 'LOCAL_MODEL_NAME',
      provider: 'ollama-local',
      description:
        'Default model for `modelStringFromEnv("ollama-local")`. `createChatModel` uses the name in the model string.',
    },
    {
      name: 'LOCAL_MODEL_PORT',
      provider: 'ollama-local',
      description: `Port of Ollama on \`http://localhost\` (default ${DEFAULT_OLLAMA_PORT}).`,
    },
  ],

  readSettings: ({ read }) =>
    withoutUndefined({
      provider: 'ollama-local',
      defaultName: read(names.modelName),
      port: resolvePort(read(names.port), DEFAULT_OLLAMA_PORT, 'Ollama'),
    }),

  selectionRows: [
    {
      tokenProvider: '-',
      provider: 'ollama-local',
      api: '-',
      client: 'local HTTP `http://localhost:<LOCAL_MODEL_PORT>/api/chat`',
      auth: 'none',
    },
  ],

  plan: ({ settings }) => ({ baseURL: `http://localhost:${settings.port ?? DEFAULT_OLLAMA_PORT}` }),

  missingCredentialsMessage: () => 'ollama-local takes no credentials.',

  createSender: async (connection, _credential, transport) => ollamaSender(connection, transport),

  unreachableHint: `Is Ollama running (ollama serve)? Its port is LOCAL_MODEL_PORT (default ${DEFAULT_OLLAMA_PORT}).`,
};
