import { statSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import {
  ConfigurationError,
  checkBoolean,
  checkDuration,
  checkEnvRecord,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  checkString,
  describeValue,
  type Env,
  type TokenProviderLike,
} from '@bots/auth';
import type { Environment } from '@bots/core';
import { parseModel } from '@bots/providers';

/** Where CopilotBot runs the Copilot CLI. */
export type CopilotBotSandbox = 'auto' | 'docker' | 'local' | 'host';

/** Options of `CopilotBot`. */
export interface CopilotBotOptions {
  /** The model, `provider/name` (e.g. `azure-openai/gpt-4o`), reached with this process's credential. */
  model: string;
  /** The host folder the agent works on. */
  folder: string;
  /**
   * Read-write: the agent's writes reach the host folder. Default `false`: the folder is mounted
   * read-only with a throwaway writable layer, so the host folder never changes.
   */
  writable?: boolean;
  /**
   * Where the Copilot CLI (and every shell command it runs) runs. `auto` (default): `docker` when
   * an engine answers, else `local`. `docker`: a container of the sandbox image, no network.
   * `local`: bubblewrap, no network. `host`: the bare host, no sandbox at all — an explicit
   * opt-in that warns (`onWarning`) on every run.
   */
  sandbox?: CopilotBotSandbox;
  /** Where the folder appears inside the sandbox. Default `/workdir/<folder name>`. */
  sandboxPath?: string;
  /** Where provider settings and `AZURE_AUTH_METHOD` are read. Default `process.env`. */
  env?: Env;
  /** Your own token provider (wins over `AZURE_AUTH_METHOD`). */
  tokenProvider?: TokenProviderLike;
  /** The Copilot CLI executable (absolute). Default: `COPILOT_CLI_PATH`, else the installed `@github/copilot`. */
  cliPath?: string;
  /** Extra instructions appended to the Copilot agent's system message. */
  systemPrompt?: string;
  /** Default time limit of a run, in ms (default 600 000). `run(task, { timeoutMs })` overrides it. */
  timeoutMs?: number;
  /** Memory limit of the Docker sandbox, in bytes (default 2 GiB). */
  memory?: number;
  /**
   * Called with the started sandbox before the agent starts (not for `host`): copy files in, run
   * a setup command.
   */
  prepare?: (sandbox: Environment) => Promise<void> | void;
  /** Told of warnings (`host` runs, sandbox fallbacks). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/** {@link CopilotBotOptions} checked, defaults filled in. */
export interface CheckedCopilotBotOptions {
  model: string;
  folder: string;
  writable: boolean;
  sandbox: CopilotBotSandbox;
  sandboxPath: string;
  env: Env;
  tokenProvider: TokenProviderLike | undefined;
  cliPath: string | undefined;
  systemPrompt: string | undefined;
  timeoutMs: number;
  memory: number | undefined;
  prepare: ((sandbox: Environment) => Promise<void> | void) | undefined;
  onWarning: (message: string) => void;
}

export const DEFAULT_COPILOT_TIMEOUT_MS = 600_000;
const SANDBOXES = ['auto', 'docker', 'local', 'host'] as const;
const OPTION_NAMES = [
  'model',
  'folder',
  'writable',
  'sandbox',
  'sandboxPath',
  'env',
  'tokenProvider',
  'cliPath',
  'systemPrompt',
  'timeoutMs',
  'memory',
  'prepare',
  'onWarning',
] as const satisfies readonly (keyof CopilotBotOptions)[];

const name = (option: string) => `CopilotBot option ${option}`;
const EXAMPLE = "new CopilotBot({ model: 'azure-openai/gpt-4o', folder: './project' })";

function defaultWarning(message: string): void {
  process.emitWarning(message, { type: 'CopilotBotWarning' });
}

/** Checks every option of `CopilotBot` (a `ConfigurationError` that names the fix). */
export function checkCopilotBotOptions(options: unknown): CheckedCopilotBotOptions {
  const given = checkObject(options, 'CopilotBot options', `Pass ${EXAMPLE}.`);
  checkKnownKeys(given, 'CopilotBot options', OPTION_NAMES);
  const model = checkString(given['model'], name('model'), {
    nonEmpty: true,
    hint: `A model string such as azure-openai/gpt-4o: ${EXAMPLE}.`,
  });
  if (parseModel(model).provider === 'anthropic') {
    throw new ConfigurationError(
      `${name('model')}: CopilotBot relays OpenAI-shaped model APIs (azure-openai, openai, ollama-local), not anthropic. Use one of those model strings.`,
    );
  }
  const folder = checkFolder(given['folder']);
  const writable =
    given['writable'] === undefined ? false : checkBoolean(given['writable'], name('writable'));
  const sandbox =
    given['sandbox'] === undefined
      ? 'auto'
      : checkOneOf(
          given['sandbox'],
          name('sandbox'),
          SANDBOXES,
          'host runs the CLI on the bare host with no sandbox: pass it only if you mean it.',
        );
  const sandboxPath =
    checkSandboxPath(given['sandboxPath']) ?? posix.join('/workdir', posix.basename(folder));
  const env = given['env'] === undefined ? process.env : checkEnvRecord(given['env'], name('env'));
  const tokenProvider =
    given['tokenProvider'] === undefined
      ? undefined
      : checkFunction<TokenProviderLike>(given['tokenProvider'], name('tokenProvider'));
  const cliPath = given['cliPath'] === undefined ? undefined : checkCliPath(given['cliPath']);
  const systemPrompt =
    given['systemPrompt'] === undefined
      ? undefined
      : checkString(given['systemPrompt'], name('systemPrompt'));
  const timeoutMs =
    given['timeoutMs'] === undefined
      ? DEFAULT_COPILOT_TIMEOUT_MS
      : checkDuration(given['timeoutMs'], name('timeoutMs'));
  const memory =
    given['memory'] === undefined
      ? undefined
      : checkInteger(given['memory'], name('memory'), {
          min: 256 * 1024 ** 2,
          hint: 'The Copilot CLI needs a few hundred MiB; pass bytes, e.g. 2 * 1024 ** 3.',
        });
  const prepare =
    given['prepare'] === undefined
      ? undefined
      : checkFunction<(sandbox: Environment) => Promise<void>>(given['prepare'], name('prepare'));
  const onWarning =
    given['onWarning'] === undefined
      ? defaultWarning
      : checkFunction<(message: string) => void>(given['onWarning'], name('onWarning'));
  if (prepare && sandbox === 'host') {
    throw new ConfigurationError(
      `${name('prepare')} prepares a sandbox, and sandbox "host" has none. Drop prepare, or use sandbox "docker" or "local".`,
    );
  }
  return {
    model,
    folder,
    writable,
    sandbox,
    sandboxPath,
    env: env as Env,
    tokenProvider,
    cliPath,
    systemPrompt,
    timeoutMs,
    memory,
    prepare,
    onWarning,
  };
}

function checkFolder(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(
      `CopilotBot needs folder: the path of the folder on the host, e.g. ${EXAMPLE}.`,
    );
  }
  const absolute = resolve(value);
  let isFolder = false;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch {
    throw new ConfigurationError(
      `CopilotBot: folder ${absolute} does not exist. Pass an existing folder.`,
    );
  }
  if (!isFolder) throw new ConfigurationError(`CopilotBot: folder ${absolute} is not a folder.`);
  return absolute;
}

function checkSandboxPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const path = checkString(value, name('sandboxPath'), { nonEmpty: true });
  const normal = posix.normalize(path);
  if (!path.startsWith('/') || normal === '/' || !normal.startsWith('/workdir/')) {
    throw new ConfigurationError(
      `${name('sandboxPath')} must be an absolute path under /workdir, such as /workdir/project, but got ${describeValue(path)}.`,
    );
  }
  return normal;
}

function checkCliPath(value: unknown): string {
  const path = checkString(value, name('cliPath'), { nonEmpty: true });
  if (!isAbsolute(path)) {
    throw new ConfigurationError(
      `${name('cliPath')} must be an absolute path to the copilot executable, but got ${describeValue(path)}.`,
    );
  }
  return path;
}
