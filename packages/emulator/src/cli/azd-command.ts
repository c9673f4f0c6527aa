import { type CliOutcome, type CliParse, usageError } from './cli-outcome.js';
import { lastValue, type OptionSpecification, parseOptions } from './command-line.js';

/** The scope `azd auth token` asks for when no `--scope` is given. */
export const AZD_DEFAULT_SCOPE = 'https://management.azure.com//.default';

const OPTIONS: readonly OptionSpecification[] = [
  { names: ['--scope'], takesValue: true },
  { names: ['--tenant-id'], takesValue: true },
  { names: ['--claims'], takesValue: true },
  { names: ['--output', '-o'], takesValue: true },
  { names: ['--no-prompt'], takesValue: false },
  { names: ['--debug'], takesValue: false },
  { names: ['--cwd', '-C'], takesValue: true },
  { names: ['--environment', '-e'], takesValue: true },
];

const HINT =
  'The @bots/emulator stand-in for azd serves: azd auth token --output json [--no-prompt] [--scope S ...] [--tenant-id T] [--claims <base64>]\n';

/**
 * Parses an `azd` command line. Only `auth token` is served; other commands and unknown flags are
 * refused as cobra refuses them (`ERROR: unknown flag: …`); azd exits 1 for every error.
 */
export function parseAzdCommandLine(commandLine: readonly string[]): CliParse {
  const [group, command, ...rest] = commandLine;
  if (group !== 'auth') return unknownCommand(group, 'azd');
  if (command !== 'token') return unknownCommand(command, 'azd auth');
  const parsed = parseOptions(rest, OPTIONS);
  if ('problem' in parsed) {
    return parsed.problem === 'unknown'
      ? usageError(`ERROR: unknown flag: ${parsed.argument}\n${HINT}`, 1)
      : usageError(`ERROR: flag needs an argument: ${parsed.name}\n${HINT}`, 1);
  }
  const { options } = parsed;
  const output = lastValue(options, '--output') ?? 'json';
  if (output !== 'json') {
    return usageError(`ERROR: unsupported format '${output}'\n${HINT}`, 1);
  }
  const scopes = options.get('--scope') ?? [AZD_DEFAULT_SCOPE];
  const tenant = lastValue(options, '--tenant-id');
  const encodedClaims = lastValue(options, '--claims');
  let claims: string | undefined;
  if (encodedClaims !== undefined) {
    claims = decodeClaims(encodedClaims);
    if (claims === undefined) {
      return usageError(
        'ERROR: --claims must be a base64-encoded JSON claims challenge (as @azure/identity sends it)\n',
        1,
      );
    }
  }
  return {
    ok: true,
    request: {
      command: 'azd auth token',
      audience: scopes[0]!,
      scopes,
      ...(tenant === undefined ? {} : { tenant }),
      ...(claims === undefined ? {} : { claims }),
    },
  };
}

/** What `azd` prints when nobody is signed in (`@azure/identity` matches this text). */
export function azdNotLoggedIn(): CliOutcome {
  return {
    exitCode: 1,
    stdout: '',
    stderr: '\nERROR: not logged in, run `azd auth login` to login\n',
  };
}

/**
 * `azd auth token --output json`'s output: `{ token, expiresOn }`, `expiresOn` RFC 3339 in UTC
 * without fractions (azd's `RFC3339Time`), indented by two spaces as Go's `MarshalIndent`.
 */
export function azdTokenOutput(token: string, expiresOnSeconds: number): CliOutcome {
  const expiresOn = new Date(expiresOnSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    exitCode: 0,
    stdout: `${JSON.stringify({ token, expiresOn }, null, 2)}\n`,
    stderr: '',
  };
}

function unknownCommand(word: string | undefined, parent: string): CliParse {
  if (word === undefined) return usageError(`ERROR: a command is required\n${HINT}`, 1);
  return usageError(`ERROR: unknown command "${word}" for "${parent}"\n${HINT}`, 1);
}

function decodeClaims(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}
