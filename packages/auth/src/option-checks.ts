import { ConfigurationError } from './errors.js';
import { redact } from './redact.js';

/**
 * The one set of checks every `@bots/*` package uses for its options, so that a bad value gets
 * the same kind of message everywhere: a `ConfigurationError` naming the option, the value it
 * got and what would be valid. Each check returns the value it accepted (narrowed), or throws.
 *
 * `name` is how the user wrote the option (`timeoutMs`, `mounts[1].mode`, `--timeout`): a CLI
 * passes its flag so that the message names what its user typed.
 */

/** Longest delay Node's timers take (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** How a bad value is shown in a message: short, typed, redacted, at most 60 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = redact(JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(name: string, expected: string, value: unknown, hint?: string): never {
  throw new ConfigurationError(
    `${name} must be ${expected}, but got ${describeValue(value)}.${hint ? ` ${hint}` : ''}`,
  );
}

/** Options shared by the numeric checks. */
export interface NumberCheck {
  /** Smallest valid value (inclusive). */
  min?: number;
  /** Largest valid value (inclusive). */
  max?: number;
  /** A sentence added to the message: how to fix it, an example. */
  hint?: string;
}

function range(options: NumberCheck): string {
  const { min, max } = options;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return min === 0 ? ' of 0 or more' : ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** A finite number within `min`/`max`. */
export function checkNumber(value: unknown, name: string, options: NumberCheck = {}): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max)
  ) {
    fail(name, `a number${range(options)}`, value, options.hint);
  }
  return value;
}

/** A safe integer within `min`/`max`. */
export function checkInteger(value: unknown, name: string, options: NumberCheck = {}): number {
  if (
    !Number.isSafeInteger(value) ||
    (options.min !== undefined && (value as number) < options.min) ||
    (options.max !== undefined && (value as number) > options.max)
  ) {
    fail(name, `an integer${range(options)}`, value, options.hint);
  }
  return value as number;
}

/** Options of {@link checkDuration}. */
export interface DurationCheck {
  /** Whether 0 is valid (it usually means "no limit"). Default false. */
  allowZero?: boolean;
  /** Largest valid value in ms (default and ceiling: {@link MAX_TIMER_MS}). */
  maxMs?: number;
  /** The unit the user wrote it in, for the message (default `ms`; a CLI passes `s`). */
  unit?: 'ms' | 's';
  hint?: string;
}

/**
 * A duration in milliseconds that a timer can wait for: finite, positive (or 0 when allowed) and
 * at most {@link MAX_TIMER_MS} (Node fires longer timers at once). With `unit: 's'` the value is
 * in seconds and the result is still milliseconds.
 */
export function checkDuration(value: unknown, name: string, options: DurationCheck = {}): number {
  const unit = options.unit ?? 'ms';
  const factor = unit === 's' ? 1000 : 1;
  const maxMs = Math.min(options.maxMs ?? MAX_TIMER_MS, MAX_TIMER_MS);
  const max = maxMs / factor;
  const unitName = unit === 's' ? 'seconds' : 'milliseconds';
  const expected = `${options.allowZero ? 'a number of 0 or more' : 'a positive number'} of ${unitName}, at most ${formatLimit(max)}${options.allowZero ? ' (0: no limit)' : ''}`;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !options.allowZero) ||
    value > max
  ) {
    fail(name, expected, value, options.hint);
  }
  return value * factor;
}

function formatLimit(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, '');
}

/** A string; with `nonEmpty`, one with something other than white space. */
export function checkString(
  value: unknown,
  name: string,
  options: { nonEmpty?: boolean; hint?: string } = {},
): string {
  if (typeof value !== 'string' || (options.nonEmpty && value.trim() === '')) {
    fail(name, options.nonEmpty ? 'a non-empty string' : 'a string', value, options.hint);
  }
  return value;
}

/** A boolean. */
export function checkBoolean(value: unknown, name: string, hint?: string): boolean {
  if (typeof value !== 'boolean') fail(name, 'true or false', value, hint);
  return value;
}

/** One of `allowed` (compared exactly: a near miss is an error, never a default). */
export function checkOneOf<const T extends string | number | boolean>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  hint?: string,
): T {
  if (!allowed.includes(value as T)) {
    fail(name, `one of ${allowed.map((entry) => JSON.stringify(entry)).join(', ')}`, value, hint);
  }
  return value as T;
}

/** A plain object (not null, not an array). */
export function checkObject(value: unknown, name: string, hint?: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(name, 'an object', value, hint);
  }
  return value as Record<string, unknown>;
}

/** A function. */
export function checkFunction<T extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  hint?: string,
): T {
  if (typeof value !== 'function') fail(name, 'a function', value, hint);
  return value as T;
}

/**
 * Fails on keys of `options` that are not in `known` (a typo such as `timeoutMS` would otherwise
 * be ignored and its default used). `name` is the options object's name (`DockerEnvironment
 * options`).
 */
export function checkKnownKeys(
  options: Record<string, unknown>,
  name: string,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (options[key] !== undefined && !known.includes(key)) {
      const near = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
      throw new ConfigurationError(
        `${name} has no option ${JSON.stringify(key)}.${near ? ` Did you mean ${near}?` : ''} Valid options: ${known.join(', ')}.`,
      );
    }
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Environment variables as a record of names to strings: names are letters, digits and `_`
 * (not starting with a digit; `A=B` as a name is refused), values strings without NUL.
 */
export function checkEnvRecord(value: unknown, name: string): Record<string, string> {
  const record = checkObject(value, name, 'Pass { NAME: "value" }.');
  for (const [key, entry] of Object.entries(record)) {
    if (!ENV_NAME.test(key)) {
      throw new ConfigurationError(
        `${name} has the variable name ${describeValue(key)}; a name is letters, digits and _ and does not start with a digit (no "=" or spaces). Pass { NAME: "value" }.`,
      );
    }
    if (typeof entry !== 'string' || entry.includes('\0')) {
      throw new ConfigurationError(
        `${name}.${key} must be a string without NUL characters, but got ${typeof entry === 'string' ? 'a string with NUL' : describeValue(entry)}.`,
      );
    }
  }
  return record as Record<string, string>;
}

/** An `AbortSignal` (an object with `aborted` and `addEventListener`, as every runtime's is). */
export function checkAbortSignal(value: unknown, name: string): AbortSignal {
  const signal = value as AbortSignal | null;
  if (
    signal === null ||
    typeof signal !== 'object' ||
    typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function' ||
    typeof signal.removeEventListener !== 'function'
  ) {
    fail(name, 'an AbortSignal', value, 'Pass the signal of an AbortController.');
  }
  return signal;
}
