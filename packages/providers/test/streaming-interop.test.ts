// The token provider of @bots/auth, streamed, with the other clients of the ecosystem: the real
// `openai` SDK, a streamed run of `@openai/agents` (over its own `openai` major, with a tool the
// agent calls), and `@anthropic-ai/foundry-sdk`, each against the emulator with `stream: true`.
// `tokenProviderFromEnv` builds the real DefaultAzureCredential (AZURE_AUTH_METHOD=azure_ad),
// which gets its tokens from the emulator's managed-identity endpoint (App Service shape; the
// credential reads IDENTITY_ENDPOINT and IDENTITY_HEADER from process.env, so they are stubbed
// there). The emulator's request log then shows that each model request carried an accepted
// bearer token of the system-assigned identity and was answered with a stream.
import { AnthropicFoundry } from '@anthropic-ai/foundry-sdk';
import { AI_FOUNDRY_SCOPE, COGNITIVE_SERVICES_SCOPE, tokenProviderFromEnv } from '@bots/auth';
import { DEFAULT_CLIENT_ID, type ModelRequest, type RecordedRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import { AzureOpenAI } from 'openai';
import OpenAIForAgents, { AzureOpenAI as AzureOpenAIForAgents } from 'openai-v7';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const emulator = useEmulator({ tokenLifetimeSeconds: 3600 });
const TEXT = 'Streamed through the emulator, one piece at a time, with a keyless token.';

// The agents SDK exports traces to api.openai.com by default; the loopback guard would fail the
// test if it tried.
beforeAll(() => setTracingDisabled(true));

beforeEach(() => {
  for (const name of [
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_FEDERATED_TOKEN_FILE',
    'AZURE_TOKEN_CREDENTIALS',
    'AZURE_OPENAI_API_KEY',
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_FOUNDRY_API_KEY',
    'MSI_ENDPOINT',
    'MSI_SECRET',
    'IDENTITY_SERVER_THUMBPRINT',
  ]) {
    vi.stubEnv(name, undefined);
  }
  const identity = emulator.credentialEnv('app-service');
  for (const [name, value] of Object.entries(identity)) vi.stubEnv(name, value);
  emulator.requests.clear();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The token provider `AZURE_AUTH_METHOD=azure_ad` opts into, for one scope. */
async function keylessTokenProvider(scope: string): Promise<() => Promise<string>> {
  const provider = await tokenProviderFromEnv({
    env: { AZURE_AUTH_METHOD: 'azure_ad', ...emulator.credentialEnv('app-service') },
    scope,
  });
  if (provider === undefined) throw new Error('AZURE_AUTH_METHOD=azure_ad gave no token provider');
  return provider;
}

const modelRequests = (): RecordedRequest[] =>
  emulator.requests
    .all()
    .filter((request) => request.kind !== 'identity' && request.kind !== 'metadata');

/** Every model request streamed, with an accepted token of the system-assigned identity. */
function expectStreamedWithAcceptedTokens(audience: string, count: number): void {
  const requests = modelRequests();
  expect(requests).toHaveLength(count);
  for (const request of requests) {
    expect(request).toMatchObject({
      status: 200,
      streamed: true,
      auth: {
        scheme: 'bearer',
        jsonWebToken: true,
        accepted: true,
        audience,
        clientId: DEFAULT_CLIENT_ID,
      },
    });
    expect((request.body as { stream?: unknown }).stream).toBe(true);
  }
}

describe('openai (AzureOpenAI with azureADTokenProvider), stream: true', () => {
  it('streams a chat completion on the dated deployments API', async () => {
    emulator.setScript([TEXT]);
    const client = new AzureOpenAI({
      azureADTokenProvider: await keylessTokenProvider(COGNITIVE_SERVICES_SCOPE),
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Say something.' }],
    });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) pieces.push(content);
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(TEXT);
    expectStreamedWithAcceptedTokens('https://cognitiveservices.azure.com', 1);
    expect(modelRequests()[0]).toMatchObject({
      kind: 'azure-openai',
      path: '/openai/deployments/gpt-4o-mini/chat/completions',
    });
  });
});

describe('@openai/agents, a streamed run over a client with the token provider', () => {
  const shell = tool({
    name: 'shell',
    description: 'Runs a shell command and returns its output.',
    parameters: z.object({ command: z.string() }),
    execute: async ({ command }) => `ran ${command}: README.md src`,
  });

  /** Calls the agent's shell tool first, then answers with the tool's output. */
  function toolUsingScript(seen: ModelRequest[]) {
    return (request: ModelRequest) => {
      seen.push(request);
      const result = request.messages.find((message) => message.role === 'tool');
      if (result !== undefined)
        return `${TEXT} The ${result.toolName} tool said: ${result.content}`;
      return { toolCalls: [{ name: 'shell', arguments: { command: 'ls' } }] };
    };
  }

  async function streamedRun(agent: Agent): Promise<{ text: string; finalOutput: unknown }> {
    const result = await run(agent, 'What is in the folder?', { stream: true });
    let text = '';
    for await (const piece of result.toTextStream()) text += piece;
    await result.completed;
    return { text, finalOutput: result.finalOutput };
  }

  it('OpenAIResponsesModel on the v1 API (the provider as the key, Foundry scope)', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript(toolUsingScript(seen));
    const client = new OpenAIForAgents({
      baseURL: emulator.urls.azureOpenAIv1,
      apiKey: await keylessTokenProvider(AI_FOUNDRY_SCOPE),
    });
    const agent = new Agent({
      name: 'folder reader',
      instructions: 'Use the shell tool.',
      model: new OpenAIResponsesModel(client, 'gpt-4.1'),
      tools: [shell],
    });
    const { text, finalOutput } = await streamedRun(agent);
    const expected = `${TEXT} The shell tool said: ran ls: README.md src`;
    expect(text).toBe(expected);
    expect(finalOutput).toBe(expected);
    expect(seen.map((request) => [request.wire, request.stream, request.tools])).toEqual([
      ['responses', true, ['shell']],
      ['responses', true, ['shell']],
    ]);
    expectStreamedWithAcceptedTokens('https://ai.azure.com', 2);
    expect(modelRequests().map((request) => request.path)).toEqual([
      '/openai/v1/responses',
      '/openai/v1/responses',
    ]);
  });

  it('OpenAIChatCompletionsModel on the dated API (AzureOpenAI with azureADTokenProvider)', async () => {
    const seen: ModelRequest[] = [];
    emulator.setScript(toolUsingScript(seen));
    const client = new AzureOpenAIForAgents({
      azureADTokenProvider: await keylessTokenProvider(COGNITIVE_SERVICES_SCOPE),
      endpoint: emulator.urls.azureOpenAI,
      apiVersion: emulator.apiVersion,
      deployment: 'gpt-4o-mini',
    });
    const agent = new Agent({
      name: 'folder reader',
      instructions: 'Use the shell tool.',
      model: new OpenAIChatCompletionsModel(client, 'gpt-4o-mini'),
      tools: [shell],
    });
    const { text, finalOutput } = await streamedRun(agent);
    const expected = `${TEXT} The shell tool said: ran ls: README.md src`;
    expect(text).toBe(expected);
    expect(finalOutput).toBe(expected);
    expect(seen[1]?.messages.at(-1)).toMatchObject({ role: 'tool', toolName: 'shell' });
    expectStreamedWithAcceptedTokens('https://cognitiveservices.azure.com', 2);
    expect(modelRequests()[0]).toMatchObject({
      kind: 'azure-openai',
      path: '/openai/deployments/gpt-4o-mini/chat/completions',
    });
  });
});

describe('@anthropic-ai/foundry-sdk (AnthropicFoundry with azureADTokenProvider), stream: true', () => {
  it('streams a message from Anthropic on Foundry', async () => {
    emulator.setScript([TEXT]);
    const client = new AnthropicFoundry({
      baseURL: emulator.urls.anthropicFoundry,
      azureADTokenProvider: await keylessTokenProvider(AI_FOUNDRY_SCOPE),
    });
    const stream = await client.messages.create({
      model: 'claude-test',
      max_tokens: 200,
      stream: true,
      messages: [{ role: 'user', content: 'Say something.' }],
    });
    const pieces: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        pieces.push(event.delta.text);
      }
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(TEXT);
    expectStreamedWithAcceptedTokens('https://ai.azure.com', 1);
    expect(modelRequests()[0]).toMatchObject({
      kind: 'anthropic-foundry',
      path: '/anthropic/v1/messages',
    });
  });
});
