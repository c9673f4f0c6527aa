import { builtInProviders, modelForms, type ProviderRegistry } from '@bots/providers';
import { argumentForm, type CommandSpec, usageLine } from './command-spec.js';
import { type OptionTable, optionForm } from './option-table.js';

const WIDTH = 100;
const EXIT_CODES =
  'Exit codes: 0 success, 1 the task failed or timed out, 2 usage or configuration error, 130 interrupted.';

/**
 * Words of `text` in lines that end by column `width`, each line after the first indented by
 * `indent`; the first starts at column `start` (after a term it follows).
 */
function wrap(text: string, width: number, indent: number, start = 0): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const room = width - (lines.length === 0 ? start : indent);
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((text, index) => (index === 0 ? text : `${' '.repeat(indent)}${text}`));
}

/** Rows of `term  description`, the descriptions lined up and wrapped. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const column = Math.min(Math.max(...rows.map(([term]) => term.length)) + 2, 34);
  const lines: string[] = [];
  for (const [term, description] of rows) {
    const pad =
      term.length + 2 > column ? `\n${' '.repeat(column + 2)}` : ' '.repeat(column - term.length);
    const text = wrap(description, WIDTH, column + 2, column + 2).join('\n');
    lines.push(`  ${term}${pad}${text}`);
  }
  return lines;
}

function optionRows(options: OptionTable): [string, string][] {
  return Object.entries(options).map(([name, spec]) => [
    optionForm(name, spec),
    spec.defaultLabel ? `${spec.description} (default: ${spec.defaultLabel})` : spec.description,
  ]);
}

/** The help of one command: usage, what it does, arguments, options, examples. */
export function commandHelp(spec: CommandSpec): string {
  const sections = [
    [`Usage: ${usageLine(spec)}`, ...(spec.otherForms ?? []).map((form) => `       ${form}`)].join(
      '\n',
    ),
    wrap(spec.description, WIDTH, 0).join('\n'),
  ];
  if (spec.arguments.length > 0) {
    sections.push(
      [
        'Arguments:',
        ...table(spec.arguments.map((argument) => [argumentForm(argument), argument.description])),
      ].join('\n'),
    );
  }
  sections.push(['Options:', ...table(optionRows(spec.options))].join('\n'));
  sections.push(
    [
      spec.examples.length === 1 ? 'Example:' : 'Examples:',
      ...spec.examples.map((example) => `  ${example}`),
    ].join('\n'),
  );
  sections.push(wrap(EXIT_CODES, WIDTH, 0).join('\n'));
  return `${sections.join('\n\n')}\n`;
}

/**
 * `bots --help`: the commands, each with its arguments and summary; the model forms and the API
 * keys come from the provider registry.
 */
export function mainHelp(
  specs: readonly CommandSpec[],
  providers: ProviderRegistry = builtInProviders,
): string {
  const keys = providers.flatMap((definition) => definition.keyVariables.slice(0, 1)).join(', ');
  const commands = table(
    specs.map((spec) => [[spec.name, ...spec.arguments.map(argumentForm)].join(' '), spec.summary]),
  );
  const paragraph = (text: string) => wrap(text, WIDTH, 0).join('\n');
  return `${[
    paragraph(
      'bots: keyless LLM bots on Azure. A bot asks a model for shell commands, runs them in a sandbox (Docker, or bubblewrap on this host) and answers.',
    ),
    'Usage: bots <command> [arguments] [options]',
    ['Commands:', ...commands].join('\n'),
    paragraph(
      'Run `bots <command> --help` for its arguments, options and an example. Try `bots demo` first: it needs no model and no account.',
    ),
    paragraph(`Models (--model): ${modelForms(providers).join(', ')}.`),
    paragraph(
      `Auth: set AZURE_AUTH_METHOD=azure_ad for Entra ID tokens (managed identity, workload identity, az login, ...; no key), or the provider's API key (${keys}). \`bots doctor\` shows what is found.`,
    ),
    paragraph(`Progress goes to stderr, the answer to stdout. ${EXIT_CODES}`),
  ].join('\n\n')}\n`;
}
