import type { Env } from '@bots/auth';
import {
  DEFAULT_PROVIDER,
  modelStringFromEnv,
  providerNamed,
  readEnvSetting,
} from '@bots/providers';
import { UsageError } from './usage.js';

/**
 * The model string: --model, else BOTS_MODEL, else the deployment of the env for the default
 * provider (`DEFAULT_PROVIDER`, azure-openai), read with the names and precedence its definition
 * in `@bots/providers` holds (`OPEN_AI_DEPLOYMENT_NAME`, then `AZURE_OPENAI_DEPLOYMENT_NAME`; a
 * warning when both are set and differ), so that every command and the browser tool pick the same
 * deployment.
 */
export function chooseModel(flag: string | undefined, env: Env): string {
  if (flag) return flag;
  const fromBotsModel = env.BOTS_MODEL?.trim();
  if (fromBotsModel) return fromBotsModel;
  const names = providerNamed(DEFAULT_PROVIDER).defaultNameVariables;
  if (readEnvSetting(env, names)) return modelStringFromEnv(DEFAULT_PROVIDER, env);
  const [first, ...others] = names;
  throw new UsageError(
    `No model given. Pass --model <provider/name> (e.g. --model ${DEFAULT_PROVIDER}/my-deployment), or set BOTS_MODEL or ${first}${others.length ? ` (or ${others.join(', or ')})` : ''}. To try it without any model, run \`bots demo\`.`,
  );
}
