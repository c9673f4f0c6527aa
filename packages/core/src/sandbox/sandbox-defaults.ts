import type { ResolvedMount } from './mounts.js';
import { SANDBOX_WORKDIR } from './mounts.js';

/**
 * The defaults and bounds both sandboxes share (`DockerEnvironment` and `LocalEnvironment`), in
 * one place so that they cannot drift apart. Bounds that only one sandbox has (Docker's smallest
 * memory limit) stay with its options.
 */

/** Memory limit in bytes, swap included, when none is set: 1 GiB. */
export const DEFAULT_MEMORY = 1024 ** 3;
/** Most processes at once when no limit is set. */
export const DEFAULT_PIDS = 256;
/** Timeout of a command that sets none, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/** Below this the shell, its watchdog and a command cannot all run. */
export const MIN_PIDS = 16;
/** Linux's `PID_MAX_LIMIT`: no more processes can exist. */
export const MAX_PIDS = 4_194_304;
/** The smallest cap on a command's output characters. */
export const MIN_OUTPUT_LIMIT = 100;
/** The largest cap on a command's output characters. */
export const MAX_OUTPUT_LIMIT = 10_000_000;

/** Where the shell starts when `workdir` is not set: the first mount, else `/workdir`. */
export function defaultInitialDirectory(mounts: readonly ResolvedMount[]): string {
  return mounts[0]?.sandboxPath ?? SANDBOX_WORKDIR;
}
