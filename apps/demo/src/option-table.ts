import { parseArgs } from 'node:util';
import { ConfigurationError } from '@bots/auth';
import { nearestName } from './nearest-name.js';
import { UsageError } from './usage.js';

/**
 * Turns what the user typed after a flag into the option's value, or throws a
 * `ConfigurationError` that names the flag (`flag` is `--timeout`), the value and the fix.
 */
export type ValueParser<T> = (raw: string, flag: string) => T;

interface OptionBase {
  /** What the option does, for `--help` (one sentence; wrapped there). */
  readonly description: string;
  /** A one-letter alias: `m` makes `-m`. */
  readonly short?: string;
  /** The default as `--help` shows it, e.g. `600 (10 minutes)`. */
  readonly defaultLabel?: string;
}

/** An option without a value (`--json`): true when given. */
export interface FlagOption extends OptionBase {
  readonly kind: 'flag';
}

/** An option with one value (`--timeout 60`). */
export interface ValueOption<T> extends OptionBase {
  readonly kind: 'value';
  /** How `--help` names the value: `<seconds>`, `docker|local`. */
  readonly argument: string;
  readonly parse: ValueParser<T>;
  /** The value when the option is not given. */
  readonly default?: T;
}

/** An option that may be repeated (`--mount a --mount b`): the list of its values. */
export interface ListOption<T> extends OptionBase {
  readonly kind: 'list';
  readonly argument: string;
  readonly parse: ValueParser<T>;
}

/** One row of an option table. */
export type OptionSpec = FlagOption | ValueOption<unknown> | ListOption<unknown>;

/**
 * The options of a command, by flag name (`'max-iterations'` is `--max-iterations`), in the
 * order `--help` lists them. Parsing, validation and help all come from it.
 */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The parsed value of each option of a table. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]: T[K] extends FlagOption
    ? boolean
    : T[K] extends ListOption<infer V>
      ? V[]
      : T[K] extends ValueOption<infer V> & { readonly default: unknown }
        ? V
        : T[K] extends ValueOption<infer V>
          ? V | undefined
          : never;
};

/** A flag: `--json`. */
export function flag(description: string, options: { short?: string } = {}): FlagOption {
  return { kind: 'flag', description, ...options };
}

/** An option with a value and a default. */
export function value<T>(spec: {
  argument: string;
  description: string;
  parse: ValueParser<T>;
  default: T;
  defaultLabel?: string;
  short?: string;
}): ValueOption<T> & { readonly default: T };
/** An option with a value, undefined when not given. */
export function value<T>(spec: {
  argument: string;
  description: string;
  parse: ValueParser<T>;
  defaultLabel?: string;
  short?: string;
}): ValueOption<T>;
export function value<T>(spec: Omit<ValueOption<T>, 'kind'>): ValueOption<T> {
  return { kind: 'value', ...spec };
}

/** A repeatable option. */
export function list<T>(spec: Omit<ListOption<T>, 'kind'>): ListOption<T> {
  return { kind: 'list', ...spec };
}

/** `--name <argument>` (with `-x, ` before it when it has a short form), as help and errors show it. */
export function optionForm(name: string, spec: OptionSpec): string {
  const long = spec.kind === 'flag' ? `--${name}` : `--${name} ${spec.argument}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/** Runs a value parser; its `ConfigurationError` becomes a `UsageError` of the command. */
function parseValue<T>(
  command: string,
  name: string,
  spec: { parse: ValueParser<T> },
  raw: string,
) {
  try {
    return spec.parse(raw, `--${name}`);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(error.message, command);
    throw error;
  }
}

/** The option a token names (`--timout`, `-x`, `--json=yes`), without dashes and value. */
function optionName(token: string): string {
  return token.replace(/^--?/, '').replace(/=.*$/s, '');
}

/**
 * `--timeout -5` would be read as a missing value followed by an unknown option `-5`: a value
 * option followed by something that looks like a negative number takes it as its value, so that
 * the value check can say what is wrong with it.
 */
function joinNegativeValues(table: OptionTable, args: readonly string[]): string[] {
  const byShort = new Map(
    Object.entries(table).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])),
  );
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    const next = args[index + 1];
    if (token === '--') {
      joined.push(...args.slice(index));
      break;
    }
    const name = token.startsWith('--')
      ? token.slice(2)
      : /^-[A-Za-z]$/.test(token)
        ? byShort.get(token.slice(1))
        : undefined;
    const spec = name !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
    if (spec && spec.kind !== 'flag' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      joined.push(`--${name}=${next}`);
      index++;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

/** The parsing error of `node:util`'s parseArgs, as a sentence that names the fix. */
function usageErrorOf(
  command: string,
  table: OptionTable,
  args: readonly string[],
  error: unknown,
): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const names = Object.keys(table);
  const valid = names.map((name) => `--${name}`).join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const typed = args.find((arg) => arg === quoted || arg.startsWith(`${quoted}=`)) ?? quoted;
    const near = nearestName(optionName(typed), names);
    return new UsageError(
      `unknown option ${typed}.${near ? ` Did you mean --${near}?` : ''} The options of bots ${command} are: ${valid}.`,
      command,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(quoted)?.[1] ?? optionName(quoted.split(' ')[0] ?? '');
    const spec = Object.hasOwn(table, name) ? table[name] : undefined;
    if (spec?.kind === 'flag') {
      return new UsageError(`--${name} takes no value; write just --${name}.`, command);
    }
    if (spec) {
      return new UsageError(
        `--${name} needs a value: ${optionForm(name, spec).replace(/^-\w, /, '')}. A value that starts with "-" is written --${name}=<value>.`,
        command,
      );
    }
  }
  return new UsageError(message.replace(/\s*To specify.*$/s, ''), command);
}

/**
 * Parses a command's arguments with its option table: unknown options, missing values and values
 * that fail their parser are `UsageError`s (exit code 2) naming the flag and the fix; defaults
 * are filled in. Returns the values, the positional arguments and the options the user gave.
 */
export function parseOptions<T extends OptionTable>(
  command: string,
  table: T,
  args: readonly string[],
): { values: OptionValues<T>; positionals: string[]; given: ReadonlySet<string> } {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> =
    {};
  for (const [name, spec] of Object.entries(table)) {
    config[name] = {
      type: spec.kind === 'flag' ? 'boolean' : 'string',
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.kind === 'list' ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(table, args),
      options: config,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageErrorOf(command, table, args, error);
  }
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [name, spec] of Object.entries(table)) {
    const raw = parsed.values[name];
    if (raw !== undefined) given.add(name);
    if (spec.kind === 'flag') values[name] = raw === true;
    else if (spec.kind === 'list')
      values[name] = ((raw as string[] | undefined) ?? []).map((item) =>
        parseValue(command, name, spec, item),
      );
    else
      values[name] =
        raw === undefined ? spec.default : parseValue(command, name, spec, raw as string);
  }
  return { values: values as OptionValues<T>, positionals: parsed.positionals, given };
}
