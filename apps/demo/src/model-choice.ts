import type { Env } from '@bots/auth';
import { UsageError } from './usage.js';

/** The model string: --model, else BOTS_MODEL, else the Azure OpenAI deployment of the env. */
export function chooseModel(flag: string | undefined, env: Env): string {
  if (flag) return flag;
  if (env.BOTS_MODEL) return env.BOTS_MODEL;
  const deployment = env.AZURE_OPENAI_DEPLOYMENT_NAME || env.OPEN_AI_DEPLOYMENT_NAME;
  if (deployment) return `azure-openai/${deployment}`;
  throw new UsageError(
    'No model given. Pass --model <provider/name> (e.g. --model azure-openai/my-deployment), or set BOTS_MODEL or AZURE_OPENAI_DEPLOYMENT_NAME. To try it without any model, run `bots demo`.',
  );
}
