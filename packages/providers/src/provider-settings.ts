import { ConfigurationError, type Env } from '@bots/auth';
import { type ReadEnvSettingOptions, readEnvSetting } from './env-setting.js';
import {
  builtInProviders,
  modelForm,
  type ProviderRegistry,
  providerNamed,
} from './provider-registry.js';
import type { ProviderSettings } from './settings-reading.js';

export type { EnvValue } from './env-setting.js';
export {
  type AzureOpenAIApi,
  isAzureV1Endpoint,
  type ProviderSettings,
  resolveWireApi,
  WIRE_APIS,
  type WireApi,
} from './settings-reading.js';

/** Options of {@link resolveProviderSettings}. */
export interface ResolveSettingsOptions extends ReadEnvSettingOptions {
  /** The `wireApi` option, which wins over `OPEN_AI_WIRE_API`. */
  wireApi?: string;
  /** The providers to look the name up in (default: the built-in ones). */
  providers?: ProviderRegistry;
}

/**
 * Reads one provider's settings from `env`, as its definition says. Pure: the same env gives the
 * same result. Throws a `ConfigurationError` for values that cannot be right (an endpoint that is
 * not an http(s) URL, a port that is not a number, an unknown wire API).
 */
export function resolveProviderSettings(
  provider: string,
  env: Env,
  options: ResolveSettingsOptions = {},
): ProviderSettings {
  const definition = providerNamed(provider, options.providers);
  const readOptions = options.onWarning ? { onWarning: options.onWarning } : {};
  return definition.readSettings({
    env,
    read: (names) => readEnvSetting(env, names, readOptions),
    ...(options.wireApi !== undefined ? { wireApi: options.wireApi } : {}),
  });
}

/**
 * A model string for `provider` from the environment: `<provider>/<default name>`, the name from
 * the provider's default-name variables (`OPEN_AI_DEPLOYMENT_NAME` or
 * `AZURE_OPENAI_DEPLOYMENT_NAME`, `ANTHROPIC_DEPLOYMENT_NAME`, `LOCAL_MODEL_NAME`). For CLIs that
 * accept a bare provider. `openai` has no such variable. Throws a `ConfigurationError` that names
 * the variable to set.
 */
export function modelStringFromEnv(
  provider: string,
  env: Env = process.env,
  options: ReadEnvSettingOptions & { providers?: ProviderRegistry } = {},
): string {
  const definition = providerNamed(provider, options.providers ?? builtInProviders);
  const names = definition.defaultNameVariables;
  const found = readEnvSetting(
    env,
    names,
    options.onWarning ? { onWarning: options.onWarning } : {},
  );
  if (found) {
    if (found.value.includes('/')) {
      throw new ConfigurationError(
        `${found.from} must be a bare name without "/" (the provider comes from the model string).`,
      );
    }
    return `${definition.name}/${found.value}`;
  }
  const hint = names.length > 0 ? `Set ${names.join(' or ')}, or pass` : 'Pass';
  throw new ConfigurationError(
    `No ${definition.name} model name configured. ${hint} a full model string: ${modelForm(definition)}.`,
  );
}
