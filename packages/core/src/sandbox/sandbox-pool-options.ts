import {
  ConfigurationError,
  checkAbortSignal,
  checkInteger,
  checkObject,
  checkOneOf,
} from '@bots/auth';
import type { DockerEnvironmentOptions } from './docker-environment.js';
import { type DockerSettings, resolveDockerSettings } from './docker-environment-options.js';
import type { LocalEnvironmentOptions } from './local-environment.js';

/** The most sandboxes a pool keeps started (each holds a container or a bubblewrap process). */
export const MAX_POOL_SIZE = 64;

/** What every pool takes, whatever its sandbox. */
interface PoolOwnOptions {
  /** How many started sandboxes the pool keeps ready (1 to 64). */
  size: number;
  /** Closes the pool (removes every sandbox it made) when aborted. */
  signal?: AbortSignal;
}

/**
 * Options of a `SandboxPool`: its `size`, its `sandbox` kind, and the options every sandbox of the
 * pool is made with: those of `DockerEnvironment` or `LocalEnvironment` (image, mounts, limits,
 * network ...), checked the same way, at construction. A sandbox's own `signal` is not taken:
 * the pool's `signal` closes the pool.
 */
export type SandboxPoolOptions =
  | (PoolOwnOptions & { sandbox: 'docker' } & Omit<DockerEnvironmentOptions, 'signal'>)
  | (PoolOwnOptions & { sandbox: 'local' } & Omit<LocalEnvironmentOptions, 'signal'>);

/** {@link SandboxPoolOptions} checked. */
export type ResolvedPoolOptions = {
  size: number;
  signal: AbortSignal | undefined;
} & (
  | { sandbox: 'docker'; docker: DockerSettings }
  | { sandbox: 'local'; local: Omit<LocalEnvironmentOptions, 'signal'> }
);

const NAME = 'SandboxPool options';

/**
 * Checks a pool's own options (`size`, `sandbox`, `signal`) and hands the rest to the checks of
 * the sandbox kind (`resolveDockerSettings`; for `local`, the caller constructs a
 * `LocalEnvironment`), so a bad value fails here, at construction, with the message the sandbox
 * itself would give.
 */
export function resolvePoolOptions(input: unknown): ResolvedPoolOptions {
  const options = checkObject(
    input,
    NAME,
    "Pass an object such as { size: 4, sandbox: 'docker', memory: 512 * 1024 ** 2 }.",
  );
  const { size, sandbox, signal, ...rest } = options;
  if (sandbox === undefined) {
    throw new ConfigurationError(
      `${NAME}: sandbox is required: 'docker' (containers, through the Docker engine) or 'local' (bubblewrap on the host). The pool does not pick one for you, since the two differ in what the bot can see.`,
    );
  }
  const kind = checkOneOf(sandbox, `${NAME}: sandbox`, ['docker', 'local']);
  if (size === undefined) {
    throw new ConfigurationError(
      `${NAME}: size is required: how many started sandboxes the pool keeps ready, from 1 to ${MAX_POOL_SIZE}, e.g. { size: 4 }.`,
    );
  }
  const checkedSize = checkInteger(size, `${NAME}: size`, {
    min: 1,
    max: MAX_POOL_SIZE,
    hint: 'It is how many started sandboxes the pool keeps ready, e.g. the number of bots you run at once.',
  });
  const checkedSignal =
    signal === undefined ? undefined : checkAbortSignal(signal, `${NAME}: signal`);
  if (kind === 'docker') {
    return {
      size: checkedSize,
      signal: checkedSignal,
      sandbox: 'docker',
      docker: resolveDockerSettings(rest),
    };
  }
  return {
    size: checkedSize,
    signal: checkedSignal,
    sandbox: 'local',
    local: rest as Omit<LocalEnvironmentOptions, 'signal'>,
  };
}
