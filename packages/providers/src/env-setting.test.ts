import { ConfigurationError } from '@bots/auth';
import { useEmulator } from '@bots/emulator/testing';
import { describe, expect, it, vi } from 'vitest';
import { createChatModel } from './create-chat-model.js';
import { readEnvSetting } from './env-setting.js';
import { ENV_NAMES } from './environment-variables.js';
import { modelStringFromEnv } from './provider-settings.js';

const emulator = useEmulator({ script: () => 'pong' });

const hello = { messages: [{ role: 'user' as const, content: 'ping' }] };

describe('one precedence for every setting, and a warning when two names disagree', () => {
  it('OPEN_AI_END_POINT wins over AZURE_OPENAI_ENDPOINT; the request goes there; the warning names both and the winner', async () => {
    const warnings: string[] = [];
    const model = await createChatModel('azure-openai/gpt-4o', {
      env: {
        OPEN_AI_END_POINT: emulator.urls.azureOpenAI,
        AZURE_OPENAI_ENDPOINT: 'https://other-resource.openai.azure.com',
        OPEN_AI_API_VERSION: emulator.apiVersion,
        OPEN_AI_KEY: emulator.apiKeys.azureOpenAI,
      },
      onWarning: (message) => warnings.push(message),
    });
    expect(model.connection?.endpoint).toBe(emulator.urls.azureOpenAI);
    expect((await model.complete(hello)).text).toBe('pong');
    expect(warnings).toEqual([
      `OPEN_AI_END_POINT and AZURE_OPENAI_ENDPOINT are both set, to different values: "${emulator.urls.azureOpenAI}" and "https://other-resource.openai.azure.com". Using OPEN_AI_END_POINT, which wins over AZURE_OPENAI_ENDPOINT; unset the one you do not mean.`,
    ]);
  });

  it('two keys that disagree: warned without either value', async () => {
    const warnings: string[] = [];
    const other = 'other-azure-key-SECRET-0000';
    await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, ...emulator.keyEnv, AZURE_OPENAI_API_KEY: other },
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings).toEqual([
      'OPEN_AI_KEY and AZURE_OPENAI_API_KEY are both set, to different values (the values are not shown: they are keys). Using OPEN_AI_KEY, which wins over AZURE_OPENAI_API_KEY; unset the one you do not mean.',
    ]);
    expect(warnings.join()).not.toContain(other);
    expect(warnings.join()).not.toContain(emulator.apiKeys.azureOpenAI);
  });

  it('the same value under both names, or only one name: no warning', () => {
    const warnings: string[] = [];
    const onWarning = (message: string) => warnings.push(message);
    expect(
      readEnvSetting(
        { OPEN_AI_END_POINT: 'https://a', AZURE_OPENAI_ENDPOINT: ' https://a ' },
        ENV_NAMES.azureOpenAI.endpoint,
        { onWarning },
      ),
    ).toEqual({ value: 'https://a', from: 'OPEN_AI_END_POINT' });
    expect(
      readEnvSetting({ AZURE_OPENAI_ENDPOINT: 'https://b' }, ENV_NAMES.azureOpenAI.endpoint, {
        onWarning,
      }),
    ).toEqual({ value: 'https://b', from: 'AZURE_OPENAI_ENDPOINT' });
    expect(warnings).toEqual([]);
  });

  it('by default the warning goes to stderr once per process per setting', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const env = {
        OPEN_AI_DEPLOYMENT_NAME: 'seed-deployment',
        AZURE_OPENAI_DEPLOYMENT_NAME: 'sdk',
      };
      for (let call = 0; call < 3; call++) {
        expect(modelStringFromEnv('azure-openai', env)).toBe('azure-openai/seed-deployment');
      }
      readEnvSetting(
        { OPEN_AI_API_VERSION: 'x', AZURE_OPENAI_API_VERSION: 'y' },
        ENV_NAMES.azureOpenAI.apiVersion,
      );
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual([
      '@bots/providers: warning: OPEN_AI_DEPLOYMENT_NAME and AZURE_OPENAI_DEPLOYMENT_NAME are both set, to different values: "seed-deployment" and "sdk". Using OPEN_AI_DEPLOYMENT_NAME, which wins over AZURE_OPENAI_DEPLOYMENT_NAME; unset the one you do not mean.\n',
      '@bots/providers: warning: OPEN_AI_API_VERSION and AZURE_OPENAI_API_VERSION are both set, to different values: "x" and "y". Using OPEN_AI_API_VERSION, which wins over AZURE_OPENAI_API_VERSION; unset the one you do not mean.\n',
    ]);
  });
});

describe('a near-miss variable name is named in the error as the likely typo', () => {
  it.each([
    ['OPENAI_END_POINT', 'is set, which nothing reads: did you mean OPEN_AI_END_POINT?'],
    ['AZURE_OPENAI_END_POINT', 'is set, which nothing reads: did you mean AZURE_OPENAI_ENDPOINT?'],
    ['OPEN_AI_ENDPOINT', 'is set, which nothing reads: did you mean OPEN_AI_END_POINT?'],
    ['open_ai_end_point', 'is set, which nothing reads: did you mean OPEN_AI_END_POINT?'],
    ['AZURE_OPENAI_ENDPIONT', 'is set, which nothing reads: did you mean AZURE_OPENAI_ENDPOINT?'],
    [
      'OPENAI_ENDPOINT',
      'is set, but it is read for openai, not here: did you mean OPEN_AI_END_POINT?',
    ],
  ])('%s', async (typo, hint) => {
    const error = await createChatModel('azure-openai/gpt-4o', {
      env: { [typo]: 'https://my-resource.openai.azure.com', OPEN_AI_KEY: 'k-0123456789' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^No endpoint for azure-openai\. Set OPEN_AI_END_POINT/,
    );
    expect((error as Error).message).toContain(` ${typo} ${hint}`);
  });

  it('names nothing when no variable is close', async () => {
    const error = await createChatModel('azure-openai/gpt-4o', {
      env: { OPENAI_API_KEY: 'k-0123456789', PATH: '/usr/bin', AZURE_TENANT_ID: 't' },
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'No endpoint for azure-openai. Set OPEN_AI_END_POINT (or AZURE_OPENAI_ENDPOINT) to https://<resource>.openai.azure.com (dated deployments API) or https://<resource>.openai.azure.com/openai/v1 (versionless v1 API).',
    );
  });

  it('a misspelt key variable is named in the MissingCredentialsError', async () => {
    const error = await createChatModel('azure-openai/gpt-4o', {
      env: { ...emulator.env, OPEN_AI_API_KEY: 'k-0123456789' },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'MissingCredentialsError',
      provider: 'azure-openai',
      keyVariables: ['OPEN_AI_KEY', 'AZURE_OPENAI_API_KEY'],
    });
    expect((error as Error).message).toContain(
      'OPEN_AI_API_KEY is set, which nothing reads: did you mean OPEN_AI_KEY?',
    );
    expect((error as Error).message).not.toContain('k-0123456789');
  });
});
