import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigurationError,
  checkKnownKeys,
  checkObject,
  checkString,
  type Env,
  readVariable,
} from '@bots/auth';

/** The npm package of the GitHub Copilot CLI; its executable is in a package per platform. */
export const COPILOT_CLI_PACKAGE = '@github/copilot';

/** The variable that names the Copilot CLI executable (the SDK reads the same one). */
export const COPILOT_CLI_PATH_VARIABLE = 'COPILOT_CLI_PATH';

/** Options of {@link copilotCliPath}. */
export interface CopilotCliPathOptions {
  /** The CLI executable, absolute. Wins over `COPILOT_CLI_PATH` and the installed package. */
  path?: string;
  /** Where `COPILOT_CLI_PATH` is read. Default `process.env`. */
  env?: Env;
  /**
   * Folders to resolve `@github/copilot` from, in order. Default: this package's own folder, then
   * the current working directory.
   */
  searchFrom?: readonly string[];
}

const OPTION_NAMES = ['path', 'env', 'searchFrom'] as const;

/** The Copilot CLI could not be found: the message says how to install it or point at it. */
export class CopilotCliNotFoundError extends ConfigurationError {}

/**
 * Where the GitHub Copilot CLI executable is: the `path` option, else `COPILOT_CLI_PATH`, else the
 * native executable of the installed `@github/copilot` package (`@github/copilot-<platform>-<arch>`,
 * `linuxmusl` on musl Linux). Hand it to the SDK as `RuntimeConnection.forStdio({ path })`: the
 * SDK's own bundled runtime is copied into `~/.cache` on first use, this one runs where npm put it.
 *
 * Throws a {@link CopilotCliNotFoundError} that names the install command and the variable when
 * there is none, or when a given path is not an executable file.
 */
export function copilotCliPath(options: CopilotCliPathOptions = {}): string {
  const checked = checkObject(options, 'copilotCliPath options');
  checkKnownKeys(checked, 'copilotCliPath options', OPTION_NAMES);
  const env = options.env ?? process.env;
  if (options.path !== undefined) {
    return checkExecutable(
      checkString(options.path, 'path', { nonEmpty: true }),
      'The path option',
    );
  }
  const fromEnv = readVariable(env, COPILOT_CLI_PATH_VARIABLE);
  if (fromEnv !== undefined) return checkExecutable(fromEnv, COPILOT_CLI_PATH_VARIABLE);

  const searchFrom = options.searchFrom ?? [moduleFolder(), process.cwd()];
  const platformPackages = platformPackageNames();
  for (const folder of searchFrom) {
    const executable = resolveInstalledCli(folder, platformPackages);
    if (executable !== undefined) return executable;
  }
  throw new CopilotCliNotFoundError(
    `The GitHub Copilot CLI is not installed (looked for ${platformPackages.join(' or ')} through ${COPILOT_CLI_PACKAGE}). Install it with: npm install ${COPILOT_CLI_PACKAGE}, or set ${COPILOT_CLI_PATH_VARIABLE} to the absolute path of a copilot executable.`,
  );
}

/** The platform packages of `@github/copilot` that may hold this machine's executable. */
export function platformPackageNames(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
  musl: boolean = isMusl(),
): string[] {
  const names = platform === 'linux' && musl ? ['linuxmusl', 'linux'] : [platform];
  return names.map((name) => `${COPILOT_CLI_PACKAGE}-${name}-${arch}`);
}

function resolveInstalledCli(folder: string, platformPackages: string[]): string | undefined {
  let cliManifest: string;
  try {
    cliManifest = createRequire(join(folder, 'noop.js')).resolve(
      `${COPILOT_CLI_PACKAGE}/package.json`,
    );
  } catch {
    return undefined;
  }
  const fromCli = createRequire(cliManifest);
  for (const name of platformPackages) {
    try {
      const executable = fromCli.resolve(name);
      if (isExecutableFile(executable)) return executable;
    } catch {
      // Not installed for this platform; try the next name.
    }
  }
  return undefined;
}

function checkExecutable(path: string, from: string): string {
  if (!isAbsolute(path)) {
    throw new CopilotCliNotFoundError(
      `${from} must be an absolute path to the copilot executable, but got a relative path. Pass an absolute path, or unset it to use the installed ${COPILOT_CLI_PACKAGE} package.`,
    );
  }
  if (!isExecutableFile(path)) {
    throw new CopilotCliNotFoundError(
      `${from} names no executable file (${path}). Point it at the copilot executable, or unset it and install the CLI with: npm install ${COPILOT_CLI_PACKAGE}.`,
    );
  }
  return path;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header;
  return header?.glibcVersionRuntime === undefined;
}

function moduleFolder(): string {
  return dirname(fileURLToPath(import.meta.url));
}
