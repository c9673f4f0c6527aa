import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every bot command takes. */
export const BOT_OPTIONS = {
  model: { type: 'string', short: 'm' },
  sandbox: { type: 'string' },
  'max-iterations': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/** Parsed arguments: option values by name, and the positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** `parseArgs`, strict, with its errors turned into `UsageError`s (exit code 2). */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  options: Options,
): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message.replace(/\s*To specify.*$/s, '')}`);
  }
}

/** The sandbox a user forced with `--sandbox`, or undefined for the default. */
export type SandboxFlag = 'docker' | 'local' | undefined;

/** Checks `--sandbox`. */
export function sandboxFlag(value: string | undefined): SandboxFlag {
  if (value === undefined) return undefined;
  if (value === 'docker' || value === 'local') return value;
  throw new UsageError(
    `--sandbox must be docker or local, but got ${JSON.stringify(value)}. Leave it out to use Docker when an engine answers, else bubblewrap.`,
  );
}

/** Checks `--max-iterations`: a whole number from 1. */
export function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(
      `--${name} must be a whole number of 1 or more, but got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

/** Checks `--timeout <seconds>` and returns milliseconds. */
export function timeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `--timeout must be a number of seconds above 0, but got ${JSON.stringify(value)}.`,
    );
  }
  return Math.round(seconds * 1000);
}

/** Checks the number of positional arguments and names the missing one. */
export function positionals(
  command: string,
  values: readonly string[],
  names: readonly string[],
  optional: readonly string[] = [],
): string[] {
  if (values.length < names.length) {
    const missing = names[values.length];
    const quoted = (name: string) =>
      name === 'dir' || name === 'file' ? `<${name}>` : `"<${name}>"`;
    const form = [...names.map(quoted), ...optional.map((name) => `[${quoted(name)}]`)];
    throw new UsageError(
      `${command}: missing <${missing}>. Usage: bots ${command} ${form.join(' ')}`,
    );
  }
  if (values.length > names.length + optional.length) {
    const extra = values.slice(names.length + optional.length);
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(extra[0])}. Quote the task or question: bots ${command} ${names.map((name) => `"<${name}>"`).join(' ')}`,
    );
  }
  for (const [index, value] of values.entries()) {
    if (value.trim() === '') {
      throw new UsageError(`${command}: <${[...names, ...optional][index]}> is empty.`);
    }
  }
  return [...values];
}
