import { existsSync } from 'node:fs';
import { ConfigurationError } from '@bots/auth';
import { type DockerClient, defaultDocker, settleWithin } from '@bots/core/docker';
import type Docker from 'dockerode';
import type { BrowserRunner, BrowserRunnerChoice, Env } from './browser-task-options.js';

/** Options of {@link chooseBrowserRunner}. */
export interface RunnerChoiceOptions {
  /** `auto` (default), `docker` or `local`. */
  runner?: BrowserRunnerChoice;
  /** Docker client to ask (default `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: DockerClient;
  /** Chromium of the local runner (default `CHROMIUM_PATH` of env, else `/usr/bin/chromium`). */
  executablePath?: string;
  /** Where `CHROMIUM_PATH` is read first (then `process.env`). */
  env?: Env;
  /** How the caller's user sets the runner, for messages (default `runner`; a CLI: `--sandbox`). */
  optionName?: string;
  /** How long the engine may take to answer its ping (default 2 s). */
  timeoutMs?: number;
}

/** The runner to use, and why, in words for a progress line. */
export interface RunnerChoice {
  runner: BrowserRunner;
  reason: string;
}

/**
 * Chromium of the local runner: the option, else `CHROMIUM_PATH` of `env`, else of this
 * process's environment (a machine setting, like `DOCKER_HOST`), else Debian's.
 */
export function localChromiumPath(options: { executablePath?: string; env?: Env }): string {
  return (
    options.executablePath ||
    options.env?.['CHROMIUM_PATH'] ||
    process.env['CHROMIUM_PATH'] ||
    '/usr/bin/chromium'
  );
}

function dockerLabel(docker: Docker): string {
  const modem = (
    docker as unknown as { modem?: { socketPath?: unknown; host?: unknown; port?: unknown } }
  ).modem;
  if (typeof modem?.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem?.host === 'string')
    return `tcp://${modem.host}${modem.port ? `:${String(modem.port)}` : ''}`;
  return process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
}

/** Whether a Docker engine answers, with its version and where, or why not. */
export async function probeDockerEngine(
  docker: DockerClient | undefined,
  timeoutMs = 2_000,
): Promise<
  { answers: true; version?: string; where: string } | { answers: false; reason: string }
> {
  let client: Docker;
  try {
    client = (docker ?? (await defaultDocker())) as Docker;
  } catch (error) {
    return {
      answers: false,
      reason: `dockerode could not be loaded (${(error as Error).message})`,
    };
  }
  const where = dockerLabel(client);
  try {
    await settleWithin(client.ping(), timeoutMs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      answers: false,
      reason: `no Docker engine answers at ${where} (${code ?? (error as Error).message})`,
    };
  }
  let version: string | undefined;
  try {
    version = (await settleWithin(client.version(), timeoutMs)).Version;
  } catch {
    // the version is decoration
  }
  return { answers: true, where, ...(version ? { version } : {}) };
}

/**
 * Chooses where the browser runs: the browser image in Docker when an engine answers, else this
 * host's Chromium (`runner: 'auto'`, the default); `docker` or `local` forces one. Throws a
 * `ConfigurationError` that says what to install or start when the forced one (or both) is
 * missing. The reason is meant for a progress line: `the browser image in Docker (engine 24.0.7
 * answers at unix:///var/run/docker.sock)`.
 */
export async function chooseBrowserRunner(
  options: RunnerChoiceOptions = {},
): Promise<RunnerChoice> {
  const choice = options.runner ?? 'auto';
  const flag = options.optionName ?? 'runner';
  const forced = (value: string) =>
    flag.startsWith('-') ? `${flag} ${value}` : `${flag}: '${value}'`;
  const chromium = localChromiumPath(options);
  const chromiumHint = 'install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH';
  if (choice === 'local') {
    if (!existsSync(chromium))
      throw new ConfigurationError(
        `${forced('local')}: no Chromium at ${chromium}. To fix it, ${chromiumHint}; or use ${forced('docker')} with a running Docker engine.`,
      );
    return { runner: 'local', reason: `this host's Chromium at ${chromium} (${forced('local')})` };
  }
  const engine = await probeDockerEngine(options.docker, options.timeoutMs);
  if (engine.answers)
    return {
      runner: 'docker',
      reason: `the browser image in Docker (${choice === 'docker' ? `${forced('docker')}; ` : ''}engine ${engine.version ? `${engine.version} ` : ''}answers at ${engine.where})`,
    };
  if (choice === 'docker')
    throw new ConfigurationError(
      `${forced('docker')}: ${engine.reason}. Start Docker (or set DOCKER_HOST to a running engine), or use ${forced('local')} (this host's Chromium).`,
    );
  if (existsSync(chromium))
    return {
      runner: 'local',
      reason: `this host's Chromium at ${chromium}, no container (${engine.reason})`,
    };
  throw new ConfigurationError(
    `No browser to run: ${engine.reason}, and no Chromium at ${chromium}. To fix it, start a Docker engine (or set DOCKER_HOST), or ${chromiumHint}.`,
  );
}
