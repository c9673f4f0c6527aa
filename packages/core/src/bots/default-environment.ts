import { ConfigurationError } from '@bots/auth';
import type { Environment, Mount } from '../environment.js';
import { settleWithin } from '../sandbox/settle-within.js';
import { sandboxOptionsFor } from './sandbox-options.js';

/** Which sandbox to create: `auto` is Docker when an engine answers, else `local` (bubblewrap). */
export type SandboxKind = 'auto' | 'docker' | 'local';

/** Options of `createDefaultEnvironment`. */
export interface DefaultEnvironmentOptions {
  /** `auto` (default), `docker` or `local`. */
  kind?: SandboxKind;
  /** Folders (or files) of the host to mount. */
  mounts?: readonly Mount[];
  /** Passed on to the sandbox's constructor (image, limits, network ...). */
  sandboxOptions?: Readonly<Record<string, unknown>>;
}

type EnvironmentClass = new (options: Record<string, unknown>) => Environment;

/** What the bots need from `src/sandbox`. */
export interface SandboxModule {
  DockerEnvironment: EnvironmentClass & { isAvailable?: (options?: unknown) => Promise<boolean> };
  LocalEnvironment: EnvironmentClass;
  isDockerAvailable?: (options?: unknown) => Promise<boolean>;
}

/** Loads the sandboxes on first use, so that importing the bots does not load `dockerode`. */
export async function loadSandboxModule(): Promise<SandboxModule> {
  const module: unknown = await import('../sandbox/index.js');
  return module as SandboxModule;
}

const DOCKER_PROBE_TIMEOUT_MS = 2_000;

/**
 * Creates the sandbox a bot uses when it is not given one: `DockerEnvironment` when a Docker
 * engine answers, else `LocalEnvironment` (bubblewrap); `kind` forces one. The caller owns
 * (and disposes) the result.
 */
export async function createDefaultEnvironment(
  options: DefaultEnvironmentOptions = {},
  loadSandbox: () => Promise<SandboxModule> = loadSandboxModule,
): Promise<Environment> {
  const kind = options.kind ?? 'auto';
  if (kind !== 'auto' && kind !== 'docker' && kind !== 'local') {
    throw new ConfigurationError(
      `environment must be an Environment, 'docker' or 'local', but got ${JSON.stringify(kind)}.`,
    );
  }
  const sandbox = await loadSandbox();
  const mounts = [...(options.mounts ?? [])];
  const useDocker =
    kind === 'docker' ||
    (kind === 'auto' && (await dockerAnswers(sandbox, options.sandboxOptions?.docker)));
  return useDocker
    ? new sandbox.DockerEnvironment({
        ...sandboxOptionsFor('docker', options.sandboxOptions),
        mounts,
      })
    : new sandbox.LocalEnvironment({
        ...sandboxOptionsFor('local', options.sandboxOptions),
        mounts,
      });
}

async function dockerAnswers(sandbox: SandboxModule, client: unknown): Promise<boolean> {
  const probe =
    sandbox.isDockerAvailable ??
    sandbox.DockerEnvironment.isAvailable?.bind(sandbox.DockerEnvironment);
  const given =
    typeof (client as { ping?: unknown })?.ping === 'function'
      ? (client as { ping(): Promise<unknown> })
      : undefined;
  try {
    // The engine the sandbox would use: the client given in sandboxOptions, else DOCKER_HOST's.
    if (probe)
      return await settleWithin(probe(given ? { docker: given } : {}), DOCKER_PROBE_TIMEOUT_MS);
    const docker = given ?? new (await import('dockerode')).default();
    await settleWithin(docker.ping(), DOCKER_PROBE_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}
