import { execFileSync } from 'node:child_process';
import { ConfigurationError, type Env } from '@bots/auth';
import { ensureSandboxImage, LocalEnvironment, SANDBOX_IMAGE } from '@bots/core';
import type { Writer } from './command-context.js';
import { CommandFailure } from './command-failure.js';
import { type DockerStatus, probeDocker } from './docker-probe.js';
import { firstLine, ImageBuildLog } from './image-build-log.js';

/** The sandbox a user forced with `--sandbox`, or undefined for the default. */
export type SandboxFlag = 'docker' | 'local' | undefined;

/** What bubblewrap can do here. */
export interface BwrapStatus {
  /** `bwrap` is on PATH. */
  installed: boolean;
  /** Its path and version, e.g. `/usr/bin/bwrap (bubblewrap 0.8.0)`. */
  description?: string;
  /** A sandbox started and ran `true` (only checked when asked). */
  works?: boolean;
  /** Why it did not work. */
  reason?: string;
  /** Notes of the sandbox, e.g. that no cgroup limits apply. */
  notes?: readonly string[];
}

export const BWRAP_INSTALL_HINT =
  'install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap)';
export const DOCKER_INSTALL_HINT =
  'or install and start Docker (https://docs.docker.com/engine/install/), or set DOCKER_HOST';

/** Looks for bwrap; with `tryIt`, starts a LocalEnvironment and runs `true` in it (a few ms). */
export async function probeBwrap(tryIt: boolean): Promise<BwrapStatus> {
  if (!LocalEnvironment.isAvailable()) {
    return { installed: false, reason: 'bwrap is not on PATH' };
  }
  let description = 'bwrap';
  try {
    const path = execFileSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).trim();
    const version = execFileSync('bwrap', ['--version'], {
      encoding: 'utf8',
      timeout: 5_000,
    }).trim();
    description = `${path} (${version})`;
  } catch {
    // the description is decoration
  }
  if (!tryIt) return { installed: true, description };
  const sandbox = new LocalEnvironment({ limits: false });
  try {
    const result = await sandbox.execute('true', { timeoutMs: 10_000 });
    if (result.exitCode !== 0) {
      return {
        installed: true,
        description,
        works: false,
        reason: `a test command exited with ${result.exitCode}: ${result.output.trim()}`,
      };
    }
    return { installed: true, description, works: true, notes: [...sandbox.notes] };
  } catch (error) {
    return {
      installed: true,
      description,
      works: false,
      reason: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await sandbox.dispose();
  }
}

/** The sandbox a command will use, and why. `none` only when `allowNone` (the demo's fallback). */
export interface SandboxChoice {
  kind: 'docker' | 'local' | 'none';
  /** One line for stderr, e.g. `docker (engine 26.1.5 at DOCKER_HOST=unix:///...)`. */
  reason: string;
  docker: DockerStatus;
  bwrap?: BwrapStatus;
}

/**
 * Docker when an engine answers, else bubblewrap; `--sandbox` forces one (and fails with a
 * `ConfigurationError` when it is not there). With `allowNone`, no sandbox at all is a choice.
 */
export async function chooseSandbox(
  flag: SandboxFlag,
  env: Env,
  options: { allowNone?: boolean; tryBwrap?: boolean } = {},
): Promise<SandboxChoice> {
  const docker = flag === 'local' ? undefined : await probeDocker(env);
  if (docker?.answers) {
    const version = docker.version ? `engine ${docker.version}` : 'engine';
    return {
      kind: 'docker',
      reason: `docker (${flag ? '--sandbox docker; ' : ''}${version} answers at ${docker.endpoint.label})`,
      docker,
    };
  }
  if (flag === 'docker') {
    throw new ConfigurationError(
      `--sandbox docker: ${docker?.reason ?? 'no Docker engine'}. Start Docker (or set DOCKER_HOST to a running engine), or use --sandbox local (bubblewrap).`,
    );
  }
  const bwrap = await probeBwrap(options.tryBwrap ?? false);
  const dockerStatus: DockerStatus = docker ?? (await probeDocker(env));
  const usable = bwrap.installed && bwrap.works !== false;
  if (usable) {
    const why = flag === 'local' ? '--sandbox local' : `docker: ${dockerStatus.reason}`;
    return { kind: 'local', reason: `bubblewrap (${why})`, docker: dockerStatus, bwrap };
  }
  const bwrapWhy = bwrap.installed
    ? `bubblewrap does not work here: ${bwrap.reason}`
    : 'bubblewrap: bwrap is not installed';
  if (flag === 'local') {
    throw new ConfigurationError(
      `--sandbox local: ${bwrapWhy}. To fix it, ${BWRAP_INSTALL_HINT}; or use --sandbox docker with a running Docker engine.`,
    );
  }
  if (options.allowNone) {
    return {
      kind: 'none',
      reason: `none (docker: ${dockerStatus.reason}; ${bwrapWhy})`,
      docker: dockerStatus,
      bwrap,
    };
  }
  throw new ConfigurationError(
    `No sandbox to run commands in: docker: ${dockerStatus.reason}; ${bwrapWhy}. To fix it, ${BWRAP_INSTALL_HINT}, ${DOCKER_INSTALL_HINT}.`,
  );
}

/**
 * Makes sure the engine has the sandbox image, building it (minutes, once) with a short log on
 * stderr. Resolves with undefined when the image is there, or with why it could not be built.
 */
export async function prepareDockerImage(
  stderr: Writer,
): Promise<{ reason: string; tail: string[] } | undefined> {
  const log = new ImageBuildLog(
    stderr,
    `bots: building the sandbox image ${SANDBOX_IMAGE} (first use only, a few minutes)`,
  );
  try {
    await ensureSandboxImage({ onProgress: log.line });
    return undefined;
  } catch (error) {
    const reason = firstLine(error);
    return { reason, tail: log.tail(reason) };
  }
}

/** What the bots should run in, said on stderr. */
export interface PreparedSandbox {
  kind: 'docker' | 'local' | 'none';
  /** Why, e.g. `docker (engine 26.1.5 answers at unix:///...)`. */
  reason: string;
}

/**
 * {@link chooseSandbox}, then, for Docker, the sandbox image: when it cannot be built and Docker
 * was not forced (`--sandbox docker`), bubblewrap instead, with a line that says why; forced, a
 * `CommandFailure` (exit 1) with the short reason. Says the choice on stderr (but `none`, which
 * the caller words).
 */
export async function prepareSandbox(
  flag: SandboxFlag,
  env: Env,
  stderr: Writer,
  options: { allowNone?: boolean; tryBwrap?: boolean } = {},
): Promise<PreparedSandbox> {
  const choice = await chooseSandbox(flag, env, options);
  if (choice.kind === 'none') return choice;
  stderr(`bots: sandbox: ${choice.reason}\n`);
  if (choice.kind === 'local') return choice;

  const failure = await prepareDockerImage(stderr);
  if (!failure) return choice;
  const image = `the sandbox image ${SANDBOX_IMAGE} could not be built: ${failure.reason}`;
  stderr(`bots: ${image}\n`);
  if (failure.tail.length > 0) {
    stderr(
      `  last lines of the build log:\n${failure.tail.map((line) => `  | ${line}\n`).join('')}`,
    );
  }
  const fix =
    'Fix the Docker engine so that the image builds (its RUN step installs packages with apt-get, which needs a network)';
  if (flag === 'docker') {
    throw new CommandFailure(
      `--sandbox docker: ${image}. ${fix}, or leave out --sandbox docker to use bubblewrap instead.`,
    );
  }
  const bwrap = await probeBwrap(options.tryBwrap ?? false);
  if (bwrap.installed && bwrap.works !== false) {
    const reason =
      'bubblewrap instead: the Docker sandbox image could not be built (--sandbox docker insists on Docker)';
    stderr(`bots: sandbox: ${reason}\n`);
    return { kind: 'local', reason };
  }
  const bwrapWhy = bwrap.installed
    ? `bubblewrap does not work here: ${bwrap.reason}`
    : 'bubblewrap: bwrap is not installed';
  if (options.allowNone) {
    return { kind: 'none', reason: `none (docker: ${image}; ${bwrapWhy})` };
  }
  throw new CommandFailure(
    `No sandbox to run commands in: docker: ${image}; ${bwrapWhy}. To fix it, ${BWRAP_INSTALL_HINT}, or: ${fix}.`,
  );
}
