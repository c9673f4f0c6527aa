import { readFileSync } from 'node:fs';
import type { ScriptStep } from '../model-script.js';
import { scriptStepProblem } from '../script-runner.js';

/** What the command line of `bots-emulator` asks for. */
export interface BinOptions {
  port?: number;
  tokenLifetimeSeconds?: number;
  script?: ScriptStep[];
  json: boolean;
  help: boolean;
}

/** One flag: its name, its value's placeholder (none for a switch), what it does, how to read it. */
interface FlagSpecification {
  name: string;
  value?: string;
  description: string;
  apply(options: BinOptions, value: string): string | undefined;
}

/** The flags, stated once: parsing and `--help` both come from here. */
const FLAGS: readonly FlagSpecification[] = [
  {
    name: '--port',
    value: '<port>',
    description: 'port of the main listener (default: any free port)',
    apply(options, value) {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535) return 'takes a port number from 0 to 65535';
      options.port = port;
      return undefined;
    },
  },
  {
    name: '--token-lifetime',
    value: '<seconds>',
    description: 'lifetime of issued tokens (default 3600)',
    apply(options, value) {
      const seconds = Number(value);
      if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        return 'takes a positive number of seconds';
      }
      options.tokenLifetimeSeconds = seconds;
      return undefined;
    },
  },
  {
    name: '--script',
    value: '<file.json>',
    description:
      'the model replies, a JSON array of strings, { "text": ... } or { "toolCalls": [...] } objects',
    apply(options, value) {
      const script = readScript(value);
      if (typeof script === 'string') return script;
      options.script = script;
      return undefined;
    },
  },
  {
    name: '--json',
    description: 'print the environment as one JSON object instead of export lines',
    apply(options) {
      options.json = true;
      return undefined;
    },
  },
  {
    name: '--help',
    description: 'show this help',
    apply(options) {
      options.help = true;
      return undefined;
    },
  },
];

/** A refused command line: the message names the flag and says how to fix it. */
export class BinUsageError extends Error {
  override name = 'BinUsageError';
}

/** Parses `bots-emulator`'s arguments (`--flag value` or `--flag=value`); throws {@link BinUsageError}. */
export function parseBinArguments(commandLine: readonly string[]): BinOptions {
  const options: BinOptions = { json: false, help: false };
  for (let index = 0; index < commandLine.length; index += 1) {
    const argument = commandLine[index]!;
    const equals = argument.indexOf('=');
    const name = argument.startsWith('--') && equals > 0 ? argument.slice(0, equals) : argument;
    const flag = FLAGS.find(
      (candidate) => candidate.name === name || (name === '-h' && candidate.name === '--help'),
    );
    if (flag === undefined) {
      throw new BinUsageError(`Unknown flag ${argument}. Run bots-emulator --help for the flags.`);
    }
    let value = '';
    if (flag.value !== undefined) {
      if (equals > 0 && name !== argument) value = argument.slice(equals + 1);
      else {
        const next = commandLine[index + 1];
        if (next === undefined || next.startsWith('--')) {
          throw new BinUsageError(`${flag.name} needs a value: ${flag.name} ${flag.value}.`);
        }
        value = next;
        index += 1;
      }
    } else if (name !== argument) {
      throw new BinUsageError(`${flag.name} takes no value; write ${flag.name} alone.`);
    }
    const problem = flag.apply(options, value);
    if (problem !== undefined) {
      throw new BinUsageError(`${flag.name} ${problem}; got ${JSON.stringify(value)}.`);
    }
  }
  return options;
}

/** The text of `bots-emulator --help`. */
export function binHelp(): string {
  const rows = FLAGS.map((flag) => [
    `${flag.name}${flag.value ? ` ${flag.value}` : ''}`,
    flag.description,
  ]);
  const width = Math.max(...rows.map(([left]) => left!.length));
  return [
    'Usage: bots-emulator [flags]   (or: npx @bots/emulator [flags])',
    '',
    'Starts the @bots/emulator on loopback, prints the environment that points clients at it',
    '(export lines on stdout), writes az and azd stand-ins, and serves until Ctrl+C (SIGINT) or SIGTERM.',
    '',
    'Flags:',
    ...rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`),
    '',
  ].join('\n');
}

function readScript(file: string): ScriptStep[] | string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `needs a JSON file; ${file} is not valid JSON`;
  }
  if (!Array.isArray(parsed)) {
    return `needs a JSON array of replies (strings, { "text": ... }, { "toolCalls": [...] } or { "fault": ... } objects) in ${file}`;
  }
  for (const [index, step] of parsed.entries()) {
    const problem = scriptStepProblem(step);
    if (problem !== undefined) return `needs valid replies; step ${index} of ${file}: ${problem}`;
  }
  return parsed as ScriptStep[];
}
