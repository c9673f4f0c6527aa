import type { CommandContext } from './command-context.js';
import type { OptionTable } from './option-table.js';

/** One positional argument of a command. */
export interface ArgumentSpec {
  /** Its name in usage lines: `dir` shows as `<dir>`. */
  readonly name: string;
  readonly description: string;
  /** Free text the user quotes (shown as `"<task>"`), as opposed to a path. */
  readonly quoted?: boolean;
  /** May be left out (only the last arguments). */
  readonly optional?: boolean;
}

/**
 * Everything the CLI knows about a command: what `bots --help` lists, what `bots <name> --help`
 * shows, and the option table its arguments are parsed and checked with.
 */
export interface CommandSpec<T extends OptionTable = OptionTable> {
  readonly name: string;
  /** One line for the command list of `bots --help`. */
  readonly summary: string;
  /** What the command does, for its own help (a few sentences). */
  readonly description: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly options: T;
  /** Command lines that work, for the help's examples. */
  readonly examples: readonly string[];
  /** Other usage lines, e.g. `bots browse --build-image`. */
  readonly otherForms?: readonly string[];
}

/** A command of the CLI: its spec and what it does (resolves with the exit code). */
export interface Command<T extends OptionTable = OptionTable> {
  readonly spec: CommandSpec<T>;
  run(context: CommandContext): Promise<number>;
}

/** `<dir>`, `"<task>"`, `["<question>"]`. */
export function argumentForm(argument: ArgumentSpec): string {
  const form = argument.quoted ? `"<${argument.name}>"` : `<${argument.name}>`;
  return argument.optional ? `[${form}]` : form;
}

/** `bots read <dir> "<question>" [options]`. */
export function usageLine(spec: CommandSpec): string {
  return ['bots', spec.name, ...spec.arguments.map(argumentForm), '[options]'].join(' ');
}
