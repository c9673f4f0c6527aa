import type { Env } from '@bots/auth';
import { ENV_NAMES, modelStringFromEnv, readEnvSetting } from '@bots/providers';
import { UsageError } from './usage.js';

/**
 * The model string: --model, else BOTS_MODEL, else the Azure OpenAI deployment of the env, read
 * with `@bots/providers`' one precedence (`OPEN_AI_DEPLOYMENT_NAME`, then
 * `AZURE_OPENAI_DEPLOYMENT_NAME`; a warning when both are set and differ), so that every command
 * and the browser tool pick the same deployment.
 */
export function chooseModel(flag: string | undefined, env: Env): string {
  if (flag) return flag;
  const fromBotsModel = env.BOTS_MODEL?.trim();
  if (fromBotsModel) return fromBotsModel;
  const names = ENV_NAMES.azureOpenAI.deploymentName;
  if (readEnvSetting(env, names)) return modelStringFromEnv('azure-openai', env);
  const [first, ...others] = names;
  throw new UsageError(
    `No model given. Pass --model <provider/name> (e.g. --model azure-openai/my-deployment), or set BOTS_MODEL or ${first}${others.length ? ` (or ${others.join(', or ')})` : ''}. To try it without any model, run \`bots demo\`.`,
  );
}
