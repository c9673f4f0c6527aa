import { ConfigurationError } from './errors.js';
import { checkString, describeValue } from './option-checks.js';

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
