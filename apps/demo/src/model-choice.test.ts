// The CLI picks the deployment with @bots/providers' precedence, the same one createChatModel and
// the browser tool use: OPEN_AI_DEPLOYMENT_NAME wins over AZURE_OPENAI_DEPLOYMENT_NAME.
import { ConfigurationError } from '@bots/auth';
import { ENV_NAMES, modelStringFromEnv } from '@bots/providers';
import { describe, expect, it, vi } from 'vitest';
import { chooseModel } from './model-choice.js';

describe('chooseModel', () => {
  it('--model, then BOTS_MODEL, then the deployment of the env', () => {
    const env = { BOTS_MODEL: 'openai/gpt-4.1', OPEN_AI_DEPLOYMENT_NAME: 'seed' };
    expect(chooseModel('anthropic/claude', env)).toBe('anthropic/claude');
    expect(chooseModel(undefined, env)).toBe('openai/gpt-4.1');
    expect(chooseModel(undefined, { OPEN_AI_DEPLOYMENT_NAME: 'seed' })).toBe('azure-openai/seed');
    expect(chooseModel(undefined, { AZURE_OPENAI_DEPLOYMENT_NAME: 'sdk' })).toBe(
      'azure-openai/sdk',
    );
  });

  it('both deployment names set and different: the providers precedence wins, with one warning on stderr', () => {
    const env = { OPEN_AI_DEPLOYMENT_NAME: 'seed-name', AZURE_OPENAI_DEPLOYMENT_NAME: 'sdk-name' };
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(chooseModel(undefined, env)).toBe(modelStringFromEnv('azure-openai', env));
      expect(chooseModel(undefined, env)).toBe('azure-openai/seed-name');
    } finally {
      spy.mockRestore();
    }
    expect(ENV_NAMES.azureOpenAI.deploymentName[0]).toBe('OPEN_AI_DEPLOYMENT_NAME');
    expect(written).toEqual([
      '@bots/providers: warning: OPEN_AI_DEPLOYMENT_NAME and AZURE_OPENAI_DEPLOYMENT_NAME are both set, to different values: "seed-name" and "sdk-name". Using OPEN_AI_DEPLOYMENT_NAME, which wins over AZURE_OPENAI_DEPLOYMENT_NAME; unset the one you do not mean.\n',
    ]);
  });

  it('no model anywhere: a usage error that names the variables in precedence order', () => {
    expect(() => chooseModel(undefined, {})).toThrow(
      'No model given. Pass --model <provider/name> (e.g. --model azure-openai/my-deployment), or set BOTS_MODEL or OPEN_AI_DEPLOYMENT_NAME (or AZURE_OPENAI_DEPLOYMENT_NAME). To try it without any model, run `bots demo`.',
    );
  });

  it('a deployment name with a "/" is the providers ConfigurationError', () => {
    expect(() => chooseModel(undefined, { OPEN_AI_DEPLOYMENT_NAME: 'a/b' })).toThrow(
      ConfigurationError,
    );
  });
});
