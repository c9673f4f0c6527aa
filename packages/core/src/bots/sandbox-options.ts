import { ConfigurationError } from '@bots/auth';
import type { Mount } from '../environment.js';
import { resolveDockerSettings } from '../sandbox/docker-environment-options.js';
import { resolveLocalOptions } from '../sandbox/local-options.js';
import type { SandboxKind } from './default-environment.js';

/** Options only `DockerEnvironment` has that change what the sandbox is or may do. */
const DOCKER_ONLY_LIMITS = ['image', 'cpus', 'labels', 'readOnlyRootfs', 'user'];
/** Options only `DockerEnvironment` has that say how to reach the engine (not what runs). */
const DOCKER_ONLY_CLIENT = ['docker', 'onProgress'];
/** Options only `LocalEnvironment` has. */
const LOCAL_ONLY = ['bwrapPath', 'limits'];

function without(
  options: Readonly<Record<string, unknown>> | undefined,
  keys: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([key]) => !keys.includes(key)));
}

/**
 * Checks a bot's `sandboxOptions` (with its mounts) at the bot's construction, for the sandbox it
 * will create: the options of `DockerEnvironment` or `LocalEnvironment`, or with `auto` of
 * both (the bot runs in whichever the machine has). With `auto`, an option that only Docker can
 * honour (`cpus`, `image`, `user`, ...) is an error: under bubblewrap it would silently not
 * apply. Throws the sandboxes' own `ConfigurationError`, which names the option and the value.
 */
export function checkSandboxOptions(
  kind: SandboxKind,
  sandboxOptions: Readonly<Record<string, unknown>> | undefined,
  mounts: readonly Mount[],
): void {
  const withMounts = (sandbox: 'docker' | 'local') => ({
    ...sandboxOptionsFor(sandbox, sandboxOptions),
    mounts: [...mounts],
  });
  if (kind === 'docker') {
    resolveDockerSettings(withMounts('docker'));
    return;
  }
  if (kind === 'local') {
    resolveLocalOptions(withMounts('local'));
    return;
  }
  for (const key of DOCKER_ONLY_LIMITS) {
    if (sandboxOptions?.[key] !== undefined) {
      throw new ConfigurationError(
        `sandboxOptions.${key} applies to DockerEnvironment only, and with environment 'auto' the bot runs in LocalEnvironment (bubblewrap) when no Docker engine answers, where ${key} would not apply. Pass environment: 'docker' to keep it, or remove it.`,
      );
    }
  }
  resolveDockerSettings(withMounts('docker'));
  resolveLocalOptions(withMounts('local'));
}

/**
 * The part of a bot's `sandboxOptions` that the sandbox it creates takes: Docker drops the
 * bubblewrap-only options, bubblewrap the engine client (both checked by
 * {@link checkSandboxOptions} at the bot's construction).
 */
export function sandboxOptionsFor(
  sandbox: 'docker' | 'local',
  sandboxOptions: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return without(sandboxOptions, sandbox === 'docker' ? LOCAL_ONLY : DOCKER_ONLY_CLIENT);
}
