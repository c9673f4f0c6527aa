import { type CliOutcome, type CliParse, usageError } from './cli-outcome.js';
import { lastValue, type OptionSpecification, parseOptions } from './command-line.js';

/** What `az account get-access-token` gives for a resource when neither `--resource` nor `--scope` is. */
export const AZ_DEFAULT_RESOURCE = 'https://management.core.windows.net/';

const USAGE =
  'Usage (the @bots/emulator stand-in for az): az account get-access-token [--resource R | --scope S ...] [--tenant T | --subscription S] [--output json]\n';

const OPTIONS: readonly OptionSpecification[] = [
  { names: ['--resource'], takesValue: true },
  { names: ['--scope'], takesValue: true, manyValues: true },
  { names: ['--tenant', '-t'], takesValue: true },
  { names: ['--subscription', '-s'], takesValue: true },
  { names: ['--output', '-o'], takesValue: true },
  { names: ['--only-show-errors'], takesValue: false },
  { names: ['--verbose'], takesValue: false },
  { names: ['--debug'], takesValue: false },
];

const OUTPUT_FORMATS = ['json', 'jsonc', 'none', 'table', 'tsv', 'yaml', 'yamlc'];

/**
 * Parses an `az` command line. Only `account get-access-token` is served; everything else is
 * refused as argparse refuses it (exit 2, `ERROR: …` on stderr).
 */
export function parseAzCommandLine(commandLine: readonly string[]): CliParse {
  const [group, command, ...rest] = commandLine;
  if (group !== 'account') return misspelled(group);
  if (command !== 'get-access-token') return misspelled(command);
  const parsed = parseOptions(rest, OPTIONS);
  if ('problem' in parsed) {
    return parsed.problem === 'unknown'
      ? usageError(`ERROR: unrecognized arguments: ${parsed.argument}\n\n${USAGE}`, 2)
      : usageError(`ERROR: argument ${parsed.name}: expected one argument\n\n${USAGE}`, 2);
  }
  const { options } = parsed;
  const output = lastValue(options, '--output') ?? 'json';
  if (!OUTPUT_FORMATS.includes(output)) {
    const choices = OUTPUT_FORMATS.map((format) => `'${format}'`).join(', ');
    return usageError(
      `ERROR: argument --output/-o: invalid choice: '${output}' (choose from ${choices})\n\n${USAGE}`,
      2,
    );
  }
  if (output !== 'json' && output !== 'jsonc') {
    return usageError(
      `ERROR: the @bots/emulator stand-in for az prints --output json only, not ${output}.\n`,
      2,
    );
  }
  const resource = lastValue(options, '--resource');
  const scopes = options.get('--scope');
  if (resource !== undefined && scopes !== undefined) {
    return usageError("ERROR: usage error: --resource and --scope can't be used together.\n", 2);
  }
  const tenant = lastValue(options, '--tenant');
  const subscription = lastValue(options, '--subscription');
  if (tenant !== undefined && subscription !== undefined) {
    return usageError('ERROR: Please specify only one of subscription and tenant, not both\n', 1);
  }
  return {
    ok: true,
    request: {
      command: 'az account get-access-token',
      audience: resource ?? scopes?.[0] ?? AZ_DEFAULT_RESOURCE,
      ...(scopes === undefined ? {} : { scopes }),
      ...(tenant === undefined ? {} : { tenant }),
      ...(subscription === undefined ? {} : { subscription }),
    },
  };
}

/** What `az` prints when it has no signed-in account (`@azure/identity` matches `az login`). */
export function azNotLoggedIn(): CliOutcome {
  return { exitCode: 1, stdout: '', stderr: "ERROR: Please run 'az login' to setup account.\n" };
}

/** The fields `az account get-access-token --output json` prints. */
export interface AzTokenFields {
  token: string;
  /** Epoch seconds. */
  expiresOn: number;
  tenant: string;
  /** Left out when `--tenant` was given, as az does. */
  subscription?: string;
}

/**
 * `az account get-access-token --output json`'s output: keys sorted (knack's JSON output), two
 * spaces of indent, `expiresOn` a local date-time, `expires_on` epoch seconds.
 */
export function azTokenOutput(fields: AzTokenFields): CliOutcome {
  const body = {
    accessToken: fields.token,
    expiresOn: localDateTime(fields.expiresOn),
    expires_on: fields.expiresOn,
    ...(fields.subscription === undefined ? {} : { subscription: fields.subscription }),
    tenant: fields.tenant,
    tokenType: 'Bearer',
  };
  return { exitCode: 0, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' };
}

function misspelled(word: string | undefined): CliParse {
  if (word === undefined) {
    return usageError(`ERROR: the following arguments are required: _command\n\n${USAGE}`, 2);
  }
  return usageError(
    `ERROR: '${word}' is misspelled or not recognized by the system.\n\n${USAGE}`,
    2,
  );
}

/** Python's `datetime.fromtimestamp(t).strftime('%Y-%m-%d %H:%M:%S.%f')`. */
function localDateTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.000000`;
}
