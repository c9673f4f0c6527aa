import type { Environment } from '@bots/core';

/** Where the Copilot CLI runs: `docker` and `local` are sandboxes, `host` is the bare host. */
export type CopilotSandboxKind = 'docker' | 'local' | 'host';

/**
 * How the SDK starts the Copilot CLI for one run: a program and its arguments that end in the
 * CLI's executable, to which the SDK appends the CLI's own flags (`--headless --stdio ...`), and
 * the environment of that program on the host (never a secret: the CLI gets its model settings
 * and placeholder token over stdio).
 */
export interface CliLaunch {
  path: string;
  args: string[];
  env: Record<string, string>;
}

/** One run's place for the CLI, started; `dispose()` removes everything it made. */
export interface ContainedRuntime {
  readonly kind: CopilotSandboxKind;
  readonly launch: CliLaunch;
  /** The folder as the CLI sees it (its working directory). */
  readonly workingDirectory: string;
  /** The sandbox, for `prepare` (absent on the host). */
  readonly sandbox: Environment | undefined;
  /** What the sandbox says the caller should know (fallbacks taken). */
  readonly notes: readonly string[];
  /** Called once the SDK is connected to the CLI (the local runtime removes its FIFOs then). */
  afterConnect(): Promise<void>;
  /** Idempotent, never throws. */
  dispose(): Promise<void>;
}

/** What every runtime is started from. */
export interface ContainedRuntimeOptions {
  /** The host folder (absolute). */
  folder: string;
  /** Where the folder appears inside (absolute). */
  sandboxPath: string;
  /** Read-write mount instead of read-only with a throwaway layer. */
  writable: boolean;
  /** The CLI executable on the host (absolute). */
  cliPath: string;
  signal: AbortSignal;
}

/** Where the CLI's folder is shown inside a sandbox (read-only). */
export const SANDBOX_CLI_FOLDER = '/opt/copilot-cli';
/**
 * The execute-only copy of the CLI that runs in a sandbox (mode 0111). A process that executes a
 * file it cannot read is not dumpable: the shell commands the CLI runs (as the same user) cannot
 * open its `/proc/<pid>/fd`, `mem` or `environ`, so they cannot write forged JSON-RPC into its
 * channel to the SDK, nor read it.
 */
export const SANDBOX_CLI_EXECUTABLE = '/tmp/bots-copilot-cli';
/** The CLI's home inside a sandbox (its session state; the sandbox's home is throwaway). */
export const SANDBOX_CLI_HOME = '/home/bot';

/** Variables the `docker` CLI reads to find its engine: passed on as they are here. */
const DOCKER_CLIENT_VARIABLES = [
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
];

/** The environment of a launcher process on the host: `PATH`, `HOME` and the Docker client's. */
export function launcherEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', ...DOCKER_CLIENT_VARIABLES]) {
    const value = source[name];
    if (typeof value === 'string' && value !== '') env[name] = value;
  }
  return env;
}
