/** One option of a tool's command line: a flag or an option with a value, maybe repeatable. */
export interface OptionSpecification {
  /** Every spelling: `--tenant`, `-t`. The first is the canonical one. */
  names: readonly string[];
  /** Takes a value (`--tenant T` or `--tenant=T`). */
  takesValue: boolean;
  /** May take several values after one name (argparse `nargs='+'`, az's `--scope a b`). */
  manyValues?: boolean;
}

/** Values by canonical name; flags get `''`. Repeated options collect every value. */
export type ParsedOptions = Map<string, string[]>;

/** Why a command line was refused. */
export type OptionProblem =
  | { problem: 'unknown'; argument: string }
  | { problem: 'missing-value'; name: string };

/**
 * Parses `arguments` against `specifications`, as argparse and cobra do for the options the
 * stand-ins know: `--name value`, `--name=value`, flags. Returns the values or the first problem.
 */
export function parseOptions(
  commandLine: readonly string[],
  specifications: readonly OptionSpecification[],
): { options: ParsedOptions } | OptionProblem {
  const options: ParsedOptions = new Map();
  for (let index = 0; index < commandLine.length; index += 1) {
    const argument = commandLine[index]!;
    const equals = argument.startsWith('--') ? argument.indexOf('=') : -1;
    const name = equals > 0 ? argument.slice(0, equals) : argument;
    const specification = specifications.find((candidate) => candidate.names.includes(name));
    if (specification === undefined) return { problem: 'unknown', argument };
    const canonical = specification.names[0]!;
    const values = options.get(canonical) ?? [];
    options.set(canonical, values);
    if (!specification.takesValue) {
      if (equals > 0) return { problem: 'unknown', argument };
      values.push('');
      continue;
    }
    if (equals > 0) {
      values.push(argument.slice(equals + 1));
      continue;
    }
    const next = commandLine[index + 1];
    if (next === undefined || next.startsWith('-')) return { problem: 'missing-value', name };
    values.push(next);
    index += 1;
    while (specification.manyValues && commandLine[index + 1]?.startsWith('-') === false) {
      values.push(commandLine[index + 1]!);
      index += 1;
    }
  }
  return { options };
}

/** The last value given for an option, if any. */
export function lastValue(options: ParsedOptions, name: string): string | undefined {
  return options.get(name)?.at(-1);
}
