import { ConfigurationError } from './errors.js';
import { checkString, describeValue } from './option-checks.js';
import { COGNITIVE_SERVICES_SCOPE } from './scopes.js';

/** The values of `AZURE_AUTH_METHOD`. */
export const AUTH_METHODS = [
  'api_key',
  'azure_ad',
  'managed_identity',
  'azure_cli',
  'azure_developer_cli',
  'environment',
  'workload_identity',
] as const;

/** A value of `AZURE_AUTH_METHOD`. `api_key` (or unset) means no token provider. */
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The environment, as `process.env` is shaped. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The providers a token may be for (`TokenAudienceProvider`). */
export const TOKEN_AUDIENCE_PROVIDERS = [
  'azure-openai',
  'anthropic',
  'openai',
  'ollama-local',
] as const;

/** Which provider a token is for: decides the default scope. */
export type TokenAudienceProvider = (typeof TOKEN_AUDIENCE_PROVIDERS)[number];

/**
 * One variable of an env, trimmed; `undefined` when unset or empty. A value that is not a string
 * (an env built by hand) is a `ConfigurationError` naming the variable.
 */
export function readVariable(env: Env, name: string): string | undefined {
  const value: unknown = env[name];
  if (value === undefined) return undefined;
  return (
    checkString(value, `env.${name}`, { hint: 'Environment values are strings.' }).trim() ||
    undefined
  );
}

/** Reads `AZURE_AUTH_METHOD` (case-insensitive; unset or empty means `api_key`). */
export function resolveAuthMethod(env: Env): AuthMethod {
  const raw = readVariable(env, 'AZURE_AUTH_METHOD')?.toLowerCase();
  if (!raw) return 'api_key';
  if ((AUTH_METHODS as readonly string[]).includes(raw)) return raw as AuthMethod;
  throw new ConfigurationError(
    `AZURE_AUTH_METHOD is ${describeValue(env.AZURE_AUTH_METHOD)}, which is not a known auth method. Set it to one of: ${AUTH_METHODS.join(', ')} (or leave it unset to use API keys).`,
  );
}

/**
 * Decides the token scope: the explicit `scope`, else `AZURE_AUTH_SCOPE`, else the Cognitive
 * Services scope for `azure-openai` (or when no provider is named). `undefined` means Entra ID
 * does not apply to this provider: `openai` and `ollama-local` never take a token.
 * For `anthropic` the scope cannot be inferred: a `ConfigurationError` says what to set.
 */
export function resolveScope(options: {
  env: Env;
  provider?: TokenAudienceProvider;
  scope?: string;
}): string | undefined {
  if (options.provider === 'openai' || options.provider === 'ollama-local') return undefined;
  const explicit = options.scope?.trim() || readVariable(options.env, 'AZURE_AUTH_SCOPE');
  if (explicit) return explicit;
  switch (options.provider) {
    case undefined:
    case 'azure-openai':
      return COGNITIVE_SERVICES_SCOPE;
    case 'anthropic':
      throw new ConfigurationError(
        'AZURE_AUTH_METHOD is set but the token scope for anthropic cannot be inferred. Set AZURE_AUTH_SCOPE=https://ai.azure.com/.default (Anthropic on Azure AI Foundry), or pass tokenProvider.',
      );
    default:
      return undefined;
  }
}
