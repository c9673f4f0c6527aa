import { ConfigurationError, describeValue } from '@bots/auth';
import type { EnvValue } from './env-setting.js';
import type { AzureOpenAIApi } from './provider-settings.js';

const DATED = /^(\d{4})-(\d{2})-(\d{2})(-preview)?$/;

/** The values the versionless v1 API takes (it needs none). */
const V1_VALUES = ['v1', 'latest', 'preview'];

function isDated(value: string): boolean {
  const match = DATED.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  return date.getUTCMonth() === (month ?? 0) - 1 && date.getUTCDate() === day;
}

/**
 * Checks an Azure OpenAI `api-version`: the dated deployments API takes `YYYY-MM-DD` or
 * `YYYY-MM-DD-preview`; the v1 API (an endpoint ending in `/openai/v1`) sends none, and accepts
 * only `v1`, `latest`, `preview` or a dated version there. Throws a `ConfigurationError` that
 * names the variable, the value and the fix.
 */
export function checkApiVersion(setting: EnvValue, api: AzureOpenAIApi): string {
  const { value, from } = setting;
  if (isDated(value)) return value;
  const lowered = value.toLowerCase();
  if (api === 'v1' && V1_VALUES.includes(lowered)) return value;
  if (V1_VALUES.includes(lowered)) {
    throw new ConfigurationError(
      `${from} is ${describeValue(value)}, which only the versionless v1 API takes. For the v1 API, set the endpoint to https://<resource>.openai.azure.com/openai/v1 and unset ${from}; for the dated deployments API, set ${from} to a dated version such as 2024-10-21.`,
    );
  }
  throw new ConfigurationError(
    `${from} must be an api-version of the form YYYY-MM-DD or YYYY-MM-DD-preview (e.g. 2024-10-21 or 2025-03-01-preview), but got ${describeValue(value)}.${api === 'v1' ? ` The endpoint ends in /openai/v1, which needs no api-version: unset ${from}.` : ''}`,
  );
}
