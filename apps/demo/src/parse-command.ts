import type { CommandContext } from './command-context.js';
import { type ArgumentSpec, argumentForm, type CommandSpec, usageLine } from './command-spec.js';
import { commandHelp } from './help.js';
import { type OptionTable, type OptionValues, parseOptions } from './option-table.js';
import { UsageError } from './usage.js';

/** Whether the arguments ask for help (`-h` or `--help` before a `--`). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Checks the number of positional arguments against the spec and that none is empty; names the
 * missing or extra one and shows the usage.
 */
export function checkPositionals(spec: CommandSpec, values: readonly string[]): string[] {
  const required = spec.arguments.filter((argument) => !argument.optional);
  if (values.length < required.length) {
    const missing = spec.arguments[values.length] as ArgumentSpec;
    throw new UsageError(`missing ${argumentForm(missing)}. Usage: ${usageLine(spec)}`, spec.name);
  }
  if (values.length > spec.arguments.length) {
    const extra = values[spec.arguments.length];
    const quote = spec.arguments.some((argument) => argument.quoted)
      ? ' Quote a task or question that has spaces.'
      : '';
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra)}.${quote} Usage: ${usageLine(spec)}`,
      spec.name,
    );
  }
  for (const [index, text] of values.entries()) {
    if (text.trim() === '') {
      throw new UsageError(
        `${argumentForm(spec.arguments[index] as ArgumentSpec)} is empty.`,
        spec.name,
      );
    }
  }
  return [...values];
}

/**
 * Parses a command's arguments with its spec: `--help` prints the command's help and gives
 * undefined; otherwise the checked option values and the positional arguments (checked with
 * {@link checkPositionals} unless `positionals: 'own'`).
 */
export function parseCommand<T extends OptionTable>(
  spec: CommandSpec<T>,
  context: CommandContext,
  options: { positionals?: 'checked' | 'own' } = {},
): { values: OptionValues<T>; positionals: string[]; given: ReadonlySet<string> } | undefined {
  if (asksForHelp(context.args)) {
    context.stdout(commandHelp(spec));
    return undefined;
  }
  const parsed = parseOptions(spec.name, spec.options, context.args);
  const positionals =
    options.positionals === 'own' ? parsed.positionals : checkPositionals(spec, parsed.positionals);
  return { values: parsed.values, positionals, given: parsed.given };
}
