import { delimiter } from 'node:path';
import type { Emulator } from '../emulator.js';
import type { CliStandIns } from './cli-stand-ins.js';

/** What the sections of the printed environment read from. */
export interface PrintedEnvironmentContext {
  emulator: Emulator;
  cliStandIns: CliStandIns;
}

/** One group of variables `bots-emulator` prints, under a comment line. */
export interface EnvironmentSection {
  /** A short title, printed as a `#` comment before the export lines. */
  title: string;
  /** The variables of the section. */
  variables(context: PrintedEnvironmentContext): Readonly<Record<string, string>>;
  /**
   * An alternative to the sections before it (another credential): printed commented out, to
   * copy instead, and left out of `--json`.
   */
  alternative?: boolean;
}

/**
 * Everything `bots-emulator` prints, in order. To print more (another managed-identity shape, an
 * https authority), add a section here.
 */
export const PRINTED_ENVIRONMENT: readonly EnvironmentSection[] = [
  {
    title:
      'Managed identity (App Service shape) and model endpoints; no API keys, so clients use tokens',
    variables: ({ emulator }) => emulator.env,
  },
  {
    title:
      'The az and azd stand-ins first on PATH (AzureCliCredential, AzureDeveloperCliCredential)',
    variables: ({ cliStandIns }) => cliStandIns.env,
  },
  {
    title:
      'Alternative: a service principal with a client secret, through the https authority (EnvironmentCredential; set AZURE_AUTH_METHOD=environment)',
    variables: ({ emulator }) => emulator.credentialEnv('client-secret'),
    alternative: true,
  },
  {
    title:
      'Alternative: managed identity in the IMDS shape (ManagedIdentityCredential on a VM or AKS pod identity)',
    variables: ({ emulator }) => emulator.credentialEnv('imds'),
    alternative: true,
  },
];

/** Every variable of every section but the alternatives, later sections winning. */
export function collectEnvironment(context: PrintedEnvironmentContext): Record<string, string> {
  return Object.assign(
    {},
    ...PRINTED_ENVIRONMENT.filter((section) => !section.alternative).map((section) =>
      section.variables(context),
    ),
  );
}

/**
 * The sections as `export NAME=value` lines for a POSIX shell, values quoted where needed. A
 * `PATH` that ends with this process's own `PATH` is printed as a prefix of the reader's
 * (`export PATH=<folder>:"$PATH"`), as npx adds folders of its own to this process's.
 */
export function formatExports(
  context: PrintedEnvironmentContext,
  inheritedPath = process.env['PATH'],
): string {
  const lines: string[] = [];
  for (const section of PRINTED_ENVIRONMENT) {
    lines.push(`# ${section.title}`);
    const prefix = section.alternative ? '# ' : '';
    for (const [name, value] of Object.entries(section.variables(context))) {
      const suffix = `${delimiter}${inheritedPath}`;
      if (name === 'PATH' && inheritedPath && value.endsWith(suffix)) {
        lines.push(
          `${prefix}export PATH=${shellQuote(value.slice(0, -suffix.length))}${delimiter}"$PATH"`,
        );
      } else {
        lines.push(`${prefix}export ${name}=${shellQuote(value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A value as a POSIX shell word. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
