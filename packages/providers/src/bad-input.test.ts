// Bad library input to @bots/providers: each a ConfigurationError from createChatModel (or
// parseModel) before any request, whose message names the option or variable, the value it got
// and the fix, and holds no secret.
import { ConfigurationError } from '@bots/auth';
import { describe, expect, it } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { parseModel } from './model-string.js';

const KEY = 'bad-input-provider-key-SECRET-9999';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm92aWRlcnMifQ.c2lnbmF0dXJlLXByb3ZpZGVy';
const ENV = {
  OPEN_AI_END_POINT: 'https://res.openai.azure.com',
  OPEN_AI_API_VERSION: '2024-10-21',
  OPEN_AI_KEY: KEY,
  ANTHROPIC_API_KEY: KEY,
  OPENAI_API_KEY: KEY,
};
const model = 'azure-openai/gpt-4o';

let requests = 0;
const countingFetch: typeof fetch = async () => {
  requests++;
  throw new Error('no request may be sent for bad input');
};
const build = (options: Record<string, unknown>, name = model) =>
  createChatModel(name, { fetch: countingFetch, env: ENV, ...options } as never);

type Case = [label: string, call: () => unknown, message: RegExp];

const cases: Case[] = [
  [
    'options: null',
    () => createChatModel(model, null as never),
    /^createChatModel options must be an object, but got null\. Pass an object such as \{ env: process\.env \}/,
  ],
  [
    'options: "x"',
    () => createChatModel(model, 'x' as never),
    /^createChatModel options must be an object, but got "x"\./,
  ],
  [
    'a misspelt option',
    () => build({ tokenprovider: () => JWT }),
    /^createChatModel options has no option "tokenprovider"\. Did you mean tokenProvider\? Valid options: env, tokenProvider, wireApi, maxRetries/,
  ],
  [
    'an unknown option',
    () => build({ timeout: 5000 }),
    /^createChatModel options has no option "timeout"\. Valid options: .*requestTimeoutMs/,
  ],
  [
    'maxRetries: -1',
    () => build({ maxRetries: -1 }),
    /^maxRetries must be an integer from 0 to 10, but got -1\. It is how often a failed request is sent again/,
  ],
  [
    'maxRetries: NaN',
    () => build({ maxRetries: Number.NaN }),
    /^maxRetries must be an integer from 0 to 10, but got NaN\./,
  ],
  [
    'maxRetries: 1.5',
    () => build({ maxRetries: 1.5 }),
    /^maxRetries must be an integer from 0 to 10, but got 1\.5\./,
  ],
  [
    'maxRetries: 100',
    () => build({ maxRetries: 100 }),
    /^maxRetries must be an integer from 0 to 10, but got 100\./,
  ],
  [
    'requestTimeoutMs: -1',
    () => build({ requestTimeoutMs: -1 }),
    /^requestTimeoutMs must be a positive number of milliseconds, at most 2147483647, but got -1\. It is how long one model request may take/,
  ],
  [
    'requestTimeoutMs: NaN',
    () => build({ requestTimeoutMs: Number.NaN }),
    /^requestTimeoutMs must be a positive number of milliseconds, at most 2147483647, but got NaN\./,
  ],
  [
    'requestTimeoutMs: 1e20 (beyond a timer)',
    () => build({ requestTimeoutMs: 1e20 }),
    /^requestTimeoutMs must be a positive number of milliseconds, at most 2147483647, but got 100000000000000000000\./,
  ],
  [
    'timeoutMs: -1',
    () => build({ timeoutMs: -1 }),
    /^timeoutMs must be a positive number of milliseconds, at most 2147483647, but got -1\./,
  ],
  [
    'timeoutMs and requestTimeoutMs that disagree',
    () => build({ timeoutMs: 1000, requestTimeoutMs: 2000 }),
    /^requestTimeoutMs \(2000\) and timeoutMs \(1000\) disagree; timeoutMs is the former name of requestTimeoutMs\. Pass requestTimeoutMs only\./,
  ],
  [
    'maxRetryDelayMs: 0',
    () => build({ maxRetryDelayMs: 0 }),
    /^maxRetryDelayMs must be a positive number of milliseconds, at most 2147483647, but got 0\. It caps the wait before one retry/,
  ],
  [
    'onRetry: "x"',
    () => build({ onRetry: 'x' }),
    /^onRetry must be a function, but got "x"\. Pass \(retry\) => void\./,
  ],
  [
    'onWarning: 5',
    () => build({ onWarning: 5 }),
    /^onWarning must be a function, but got 5\. Pass \(message\) => void\./,
  ],
  [
    'fetch: a string',
    () => createChatModel(model, { env: ENV, fetch: 'https://proxy' as never }),
    /^fetch must be a function, but got "https:\/\/proxy"\. Pass a fetch-compatible function\./,
  ],
  [
    'allowPlainHttpKey: "yes"',
    () => build({ allowPlainHttpKey: 'yes' }),
    /^allowPlainHttpKey must be true or false, but got "yes"\. Pass true only behind a TLS-terminating proxy/,
  ],
  [
    'wireApi: "chat"',
    () => build({ wireApi: 'chat' }),
    /^wireApi must be one of "completions", "responses", but got "chat"\./,
  ],
  [
    'env: "x"',
    () => build({ env: 'x' }),
    /^env must be an object, but got "x"\. Pass process\.env or \{ NAME: "value" \}\./,
  ],
  [
    'an env value that is not a string',
    () => build({ env: { ...ENV, OPEN_AI_END_POINT: 5 } }),
    /^env\.OPEN_AI_END_POINT must be a string, but got 5\. Environment values are strings\./,
  ],
  [
    'api-version "garbage"',
    () => build({ env: { ...ENV, OPEN_AI_API_VERSION: 'garbage' } }),
    /^OPEN_AI_API_VERSION must be an api-version of the form YYYY-MM-DD or YYYY-MM-DD-preview \(e\.g\. 2024-10-21 or 2025-03-01-preview\), but got "garbage"\.$/,
  ],
  [
    'api-version of a date that does not exist',
    () =>
      build({
        env: { ...ENV, OPEN_AI_API_VERSION: undefined, AZURE_OPENAI_API_VERSION: '2024-13-45' },
      }),
    /^AZURE_OPENAI_API_VERSION must be an api-version of the form YYYY-MM-DD.*but got "2024-13-45"\./,
  ],
  [
    'api-version v1 with the dated API',
    () => build({ env: { ...ENV, OPEN_AI_API_VERSION: 'v1' } }),
    /^OPEN_AI_API_VERSION is "v1", which only the versionless v1 API takes\. For the v1 API, set the endpoint to https:\/\/<resource>\.openai\.azure\.com\/openai\/v1 and unset OPEN_AI_API_VERSION/,
  ],
  [
    'api-version "garbage" with the v1 API',
    () =>
      build({
        env: {
          ...ENV,
          OPEN_AI_END_POINT: 'https://res.openai.azure.com/openai/v1',
          OPEN_AI_API_VERSION: 'garbage',
        },
      }),
    /but got "garbage"\. The endpoint ends in \/openai\/v1, which needs no api-version: unset OPEN_AI_API_VERSION\./,
  ],
  [
    'a key pasted into the api-version',
    () => build({ env: { ...ENV, OPEN_AI_API_VERSION: KEY } }),
    /^OPEN_AI_API_VERSION must be an api-version .*but got "\[REDACTED\]"\./,
  ],
  [
    'credentials in the endpoint URL',
    () => build({ env: { ...ENV, OPEN_AI_END_POINT: `https://user:${KEY}@res.openai.azure.com` } }),
    /^OPEN_AI_END_POINT holds a user name or password in the URL\. Remove it \(https:\/\/host\/\.\.\.\): keys go in their own variable, such as OPEN_AI_KEY\./,
  ],
  [
    'LOCAL_MODEL_PORT out of range',
    () => build({ env: { LOCAL_MODEL_PORT: '70000' } }, 'ollama-local/llama3.2'),
    /^LOCAL_MODEL_PORT is "70000", which is not a port\. Set it to a number from 1 to 65535/,
  ],
  [
    'a token provider that is a token',
    () => build({ tokenProvider: JWT }),
    /^tokenProvider must be a function that returns a token .*Pass getBearerTokenProvider/,
  ],
  [
    'createChatModel(5)',
    () => createChatModel(5 as never, { env: ENV }),
    /^Invalid model string: The model must be a string, but got 5\. Use one of: azure-openai\/<deployment>/,
  ],
  [
    'parseModel(null)',
    () => parseModel(null as never),
    /^Invalid model string: The model must be a string, but got null\. Use one of/,
  ],
  [
    'parseModel("azure/gpt-4o")',
    () => parseModel('azure/gpt-4o'),
    /^Invalid model string: "azure" is not a known provider\. Did you mean azure-openai\/gpt-4o\? Use one of/,
  ],
  [
    'parseModel("Ollama/llama3")',
    () => parseModel('Ollama/llama3'),
    /"Ollama" is not a known provider\. Did you mean ollama-local\/llama3\?/,
  ],
  [
    'a model string holding the key of the env',
    () => createChatModel(`azure-openai/${KEY}/x`, { env: ENV }),
    /^Invalid model string: "azure-openai\/\[REDACTED\]\/x" has more than one "\/"\./,
  ],
];

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad input to @bots/providers', () => {
  it.each(cases)(
    '%s: a ConfigurationError that names the option, the value and the fix',
    async (_label, call, message) => {
      requests = 0;
      const error = await caught(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
      const text = `${String(error)} ${(error as Error).stack ?? ''} ${JSON.stringify(error)}`;
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(JWT);
      expect(requests).toBe(0);
    },
  );
});
