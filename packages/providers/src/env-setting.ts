import { checkString, describeValue, type Env, redact } from '@bots/auth';
import { environmentVariables } from './environment-variables.js';

/** A value read from the environment, with the variable it came from (for messages). */
export interface EnvValue {
  /** The trimmed value. */
  value: string;
  /** The variable it was read from. */
  from: string;
}

/** Receives a warning about the configuration (two names of one setting that disagree). */
export type WarningListener = (message: string) => void;

/** Options of {@link readEnvSetting}. */
export interface ReadEnvSettingOptions {
  /**
   * Called with each warning. Default: the warning is written to stderr, once per process per
   * setting.
   */
  onWarning?: WarningListener;
}

const warned = new Set<string>();

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.stderr.write(`@bots/providers: warning: ${message}\n`);
}

/** True when the variable holds a key (its value is never shown). */
function isSecretVariable(name: string): boolean {
  return environmentVariables.some((variable) => variable.name === name && variable.secret);
}

function read(env: Env, name: string): string | undefined {
  const value: unknown = env[name];
  if (value === undefined) return undefined;
  return (
    checkString(value, `env.${name}`, { hint: 'Environment values are strings.' }).trim() ||
    undefined
  );
}

/**
 * Reads one setting from the names it may have, in precedence order (the first non-empty one
 * wins: `ENV_NAMES` lists them so). When another of the names holds a different value, warns
 * once, naming both variables and which one wins; the values are shown only when they are not
 * keys. Every reader of the environment (`createChatModel`, the CLI, the browser tool) goes
 * through here, so one precedence holds everywhere.
 *
 * @example readEnvSetting(process.env, ENV_NAMES.azureOpenAI.endpoint)
 */
export function readEnvSetting(
  env: Env,
  names: readonly string[],
  options: ReadEnvSettingOptions = {},
): EnvValue | undefined {
  let winner: EnvValue | undefined;
  for (const name of names) {
    const value = read(env, name);
    if (value === undefined) continue;
    if (!winner) {
      winner = { value, from: name };
      continue;
    }
    if (value === winner.value) continue;
    const secret = isSecretVariable(name) || isSecretVariable(winner.from);
    const values = secret
      ? ' (the values are not shown: they are keys)'
      : `: ${describeValue(winner.value)} and ${describeValue(value)}`;
    const message = redact(
      `${winner.from} and ${name} are both set, to different values${values}. Using ${winner.from}, which wins over ${name}; unset the one you do not mean.`,
    );
    if (options.onWarning) options.onWarning(message);
    else warnOnce(names.join('|'), message);
  }
  return winner;
}

/** Every variable name `@bots/providers` reads. */
const KNOWN = environmentVariables.map((variable) => variable.name);

function normalise(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Variables set in `env` that look like a typo of one of `names` (the same letters once `_` and
 * case are ignored, or up to three letters off, such as an extra `API`), e.g.
 * `OPENAI_END_POINT`, `AZURE_OPENAI_END_POINT` or `OPEN_AI_ENDPOINT` for the Azure OpenAI
 * endpoint. Derived, not listed: any variable name close to a real one is found. One sentence
 * per variable, each after a space, or an empty string.
 */
export function nearMissHint(env: Env, names: readonly string[]): string {
  const hints: string[] = [];
  const targets = names.map((name) => ({ name, key: normalise(name) }));
  for (const [variable, value] of Object.entries(env)) {
    if (typeof value !== 'string' || value.trim() === '' || names.includes(variable)) continue;
    const key = normalise(variable);
    const match = targets.find(
      (target) =>
        key === target.key ||
        (target.key.length >= 8 &&
          distance(key, target.key) <= Math.min(3, Math.floor(target.key.length / 3))),
    );
    if (!match) continue;
    const other = KNOWN.includes(variable)
      ? environmentVariables.find((entry) => entry.name === variable)
      : undefined;
    hints.push(
      other
        ? `${variable} is set, but it is read for ${other.provider}, not here: did you mean ${match.name}?`
        : `${variable} is set, which nothing reads: did you mean ${match.name}?`,
    );
  }
  return hints.length ? ` ${hints.join(' ')}` : '';
}
