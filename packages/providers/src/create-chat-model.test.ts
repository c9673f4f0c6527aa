import {
  AuthenticationError,
  ConfigurationError,
  cachedTokenProvider,
  canInvalidate,
} from '@bots/auth';
import { type Emulator, startEmulator } from '@bots/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { ModelAuthenticationError, ModelRequestError } from './errors.js';
import { type SelectionRow, selectionTable } from './selection-table.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    script: () => ({ text: 'pong', usage: { inputTokens: 7, outputTokens: 3 } }),
  });
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
  emulator.requests.clear();
  emulator.clearFaults();
});

const FOUNDRY = 'https://ai.azure.com/.default';
const COGNITIVE = 'https://cognitiveservices.azure.com/.default';
const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };

/** A token provider that mints emulator tokens for one audience and counts its calls. */
function emulatorTokens(audience: string) {
  const counter = { calls: 0 };
  const provider = async () => {
    counter.calls++;
    return emulator.issueToken({ audience }).token;
  };
  return Object.defineProperty(provider, 'calls', {
    get: () => counter.calls,
  }) as typeof provider & {
    readonly calls: number;
  };
}

interface RowCase {
  model: string;
  env: () => Record<string, string>;
  tokenAudience?: string;
  kind: string;
  path: string;
  query?: Record<string, string>;
  scheme: 'bearer' | 'api-key' | 'none';
  header?: string;
}

function rowCase(row: SelectionRow): RowCase {
  const version = emulator.apiVersion;
  const key = `${row.tokenProvider}|${row.provider}|${row.api}`;
  switch (key) {
    case 'yes|azure-openai|deployments':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({ OPEN_AI_END_POINT: emulator.urls.azureOpenAI, OPEN_AI_API_VERSION: version }),
        tokenAudience: COGNITIVE,
        kind: 'azure-openai',
        path: '/openai/deployments/gpt-4o/chat/completions',
        query: { 'api-version': version },
        scheme: 'bearer',
        header: 'authorization',
      };
    case 'yes|azure-openai|v1':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({ OPEN_AI_END_POINT: emulator.urls.azureOpenAIv1 }),
        tokenAudience: FOUNDRY,
        kind: 'azure-openai-v1',
        path: '/openai/v1/chat/completions',
        scheme: 'bearer',
        header: 'authorization',
      };
    case 'no|azure-openai|deployments':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({
          OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
          OPEN_AI_API_VERSION: version,
          OPEN_AI_KEY: emulator.apiKeys.azureOpenAI,
        }),
        kind: 'azure-openai',
        path: '/openai/deployments/gpt-4o/chat/completions',
        query: { 'api-version': version },
        scheme: 'api-key',
        header: 'api-key',
      };
    case 'no|azure-openai|v1':
      return {
        model: 'azure-openai/gpt-4o',
        env: () => ({
          AZURE_OPENAI_ENDPOINT: emulator.urls.azureOpenAIv1,
          AZURE_OPENAI_API_KEY: emulator.apiKeys.azureOpenAI,
        }),
        kind: 'azure-openai-v1',
        path: '/openai/v1/chat/completions',
        scheme: 'api-key',
        header: 'api-key',
      };
    case 'yes|anthropic|-':
      return {
        model: 'anthropic/claude-sonnet',
        env: () => ({ ANTHROPIC_END_POINT: emulator.urls.anthropicFoundry }),
        tokenAudience: FOUNDRY,
        kind: 'anthropic-foundry',
        path: '/anthropic/v1/messages',
        scheme: 'bearer',
        header: 'authorization',
      };
    case 'no|anthropic|-':
      return {
        model: 'anthropic/claude-sonnet',
        env: () => ({
          ANTHROPIC_END_POINT: emulator.urls.anthropic,
          ANTHROPIC_API_KEY: emulator.apiKeys.anthropic,
        }),
        kind: 'anthropic',
        path: '/v1/messages',
        scheme: 'api-key',
        header: 'x-api-key',
      };
    case '-|ollama-local|-':
      return {
        model: 'ollama-local/llama3.2',
        env: () => ({ LOCAL_MODEL_PORT: new URL(emulator.urls.ollama).port }),
        kind: 'ollama',
        path: '/api/chat',
        scheme: 'none',
      };
    case 'no|openai|-':
      return {
        model: 'openai/gpt-4.1',
        env: () => ({
          OPENAI_ENDPOINT: emulator.urls.openai,
          OPENAI_API_KEY: emulator.apiKeys.openai,
        }),
        kind: 'openai',
        path: '/v1/chat/completions',
        scheme: 'bearer',
        header: 'authorization',
      };
    default:
      throw new Error(`No end-to-end case for the selection-table row ${key}`);
  }
}

describe('createChatModel: one end-to-end request per selection-table row', () => {
  it.each(
    selectionTable.map(
      (row) => [`${row.tokenProvider} | ${row.provider} | ${row.api}`, row] as const,
    ),
  )('%s', async (_label, row) => {
    const testCase = rowCase(row);
    const tokens = testCase.tokenAudience ? emulatorTokens(testCase.tokenAudience) : undefined;
    const model = await createChatModel(testCase.model, {
      env: testCase.env(),
      ...(tokens ? { tokenProvider: tokens } : {}),
    });
    expect(model.connection?.client).toBe(row.client);

    const reply = await model.complete(hello);

    expect(reply).toEqual({ text: 'pong', usage: { inputTokens: 7, outputTokens: 3 } });
    const [request, ...others] = emulator.requests.all();
    expect(others).toEqual([]);
    expect(request).toMatchObject({
      kind: testCase.kind,
      method: 'POST',
      path: testCase.path,
      status: 200,
    });
    if (testCase.query) expect(request?.query).toEqual(testCase.query);
    expect(request?.auth).toMatchObject({ scheme: testCase.scheme, accepted: true });
    if (testCase.header) expect(request?.auth.header).toBe(testCase.header);
    if (testCase.scheme === 'bearer' && tokens) {
      expect(request?.auth.jsonWebToken).toBe(true);
      expect(tokens.calls).toBe(1);
    }
    if (testCase.scheme !== 'bearer') expect(request?.headers.authorization).toBeUndefined();
    if (testCase.scheme !== 'api-key') {
      expect(request?.headers['api-key']).toBeUndefined();
      expect(request?.headers['x-api-key']).toBeUndefined();
    }
  });
});
