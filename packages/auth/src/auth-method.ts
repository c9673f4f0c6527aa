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

/** A method that gives a credential: every {@link AuthMethod} but `api_key`. */
export type CredentialMethod = Exclude<AuthMethod, 'api_key'>;

const VALID_LIST = `Set it to one of: ${AUTH_METHODS.join(', ')} (or leave it unset to use API keys)`;
const CHAIN_HINT =
  'A chain is a comma-separated list of the other methods, tried in order, e.g. managed_identity,azure_developer_cli';

/**
 * Reads `AZURE_AUTH_METHOD` as a list of credential methods, in the order they are tried:
 * `[]` for unset, empty or `api_key`; one method; or a comma-separated chain
 * (`managed_identity,azure_developer_cli`, case-insensitive, spaces around commas allowed).
 * Throws a `ConfigurationError` for an unknown element (named, with the valid ones), an empty
 * element, a duplicate, or `api_key` inside a chain.
 */
export function resolveAuthMethods(env: Env): readonly CredentialMethod[] {
  const raw = readVariable(env, 'AZURE_AUTH_METHOD')?.toLowerCase();
  if (!raw) return [];
  const elements = raw.split(',').map((element) => element.trim());
  const shown = describeValue(env.AZURE_AUTH_METHOD);
  if (elements.length === 1) {
    if (raw === 'api_key') return [];
    if (isMethod(raw)) return [raw];
    throw new ConfigurationError(
      `AZURE_AUTH_METHOD is ${shown}, which is not a known auth method. ${VALID_LIST}.`,
    );
  }
  const methods: CredentialMethod[] = [];
  elements.forEach((element, index) => {
    const position = `element ${index + 1}`;
    if (element === '') {
      throw new ConfigurationError(
        `AZURE_AUTH_METHOD=${shown} has an empty ${position} (two commas in a row, or a comma at an end). ${CHAIN_HINT}.`,
      );
    }
    if (element === 'api_key') {
      throw new ConfigurationError(
        `AZURE_AUTH_METHOD=${shown} has api_key in a chain: API keys are not a credential that a chain can fall back to. Set AZURE_AUTH_METHOD=api_key (or leave it unset) for keys, or list only credential methods: ${CREDENTIAL_METHOD_LIST}.`,
      );
    }
    if (!isMethod(element)) {
      throw new ConfigurationError(
        `AZURE_AUTH_METHOD=${shown}: ${describeValue(element)} (${position}) is not a known auth method. A chain lists these, comma-separated: ${CREDENTIAL_METHOD_LIST}.`,
      );
    }
    if (methods.includes(element)) {
      throw new ConfigurationError(
        `AZURE_AUTH_METHOD=${shown} names ${element} twice: a chain tries each credential once. Remove the duplicate.`,
      );
    }
    methods.push(element);
  });
  return methods;
}

/**
 * Reads `AZURE_AUTH_METHOD`: `api_key` when it opts into no token (unset, empty or `api_key`),
 * else the method, or the first method of a chain (the whole value is checked as
 * {@link resolveAuthMethods} does). For "are tokens used?" and for labels; use
 * `resolveAuthMethods` for every step of a chain.
 */
export function resolveAuthMethod(env: Env): AuthMethod {
  return resolveAuthMethods(env)[0] ?? 'api_key';
}

/** How `AZURE_AUTH_METHOD` reads in messages: `managed_identity,azure_developer_cli`. */
export function describeAuthMethods(methods: readonly CredentialMethod[]): string {
  return methods.length === 0 ? 'api_key' : methods.join(',');
}

const CREDENTIAL_METHOD_LIST = AUTH_METHODS.filter((method) => method !== 'api_key').join(', ');

function isMethod(value: string): value is CredentialMethod {
  return value !== 'api_key' && (AUTH_METHODS as readonly string[]).includes(value);
}
