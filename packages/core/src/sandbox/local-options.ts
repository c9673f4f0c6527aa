import {
  ConfigurationError,
  checkAbortSignal,
  checkBoolean,
  checkDuration,
  checkEnvRecord,
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkString,
  describeValue,
} from '@bots/auth';
import type { Mount } from '../environment.js';
import { DEFAULT_OUTPUT_LIMIT } from './cap-output.js';
import { type ResolvedMount, resolveMounts, SANDBOX_WORKDIR } from './mounts.js';
import {
  DEFAULT_MEMORY,
  DEFAULT_PIDS,
  DEFAULT_TIMEOUT_MS,
  defaultInitialDirectory,
  MAX_OUTPUT_LIMIT,
  MAX_PIDS,
  MIN_OUTPUT_LIMIT,
  MIN_PIDS,
} from './sandbox-defaults.js';

/** Options of a {@link LocalEnvironment}. */
export interface LocalEnvironmentOptions {
  /** Host folders or files to show inside; read-only ones are copied to a throwaway folder. */
  mounts?: Mount[];
  /** Share the host's network (`--share-net`); default false: loopback of its own only. */
  network?: boolean;
  /** Memory limit in bytes, through a cgroup (default 1 GiB; at least 16 MiB). */
  memory?: number;
  /** Maximum number of processes, through a cgroup (default 256; at least 16). */
  pids?: number;
  /** Directory the shell starts in (default: the first mount's sandbox path, else `/workdir`). */
  workdir?: string;
  /** Environment variables of the shell. Only these: the host's variables are never passed. */
  env?: Record<string, string>;
  /** Cap on the characters of output per command, head and tail kept (default 16 000). */
  outputLimit?: number;
  /** Timeout of commands that set none, in ms (default 120 000; 0 for none). */
  defaultTimeoutMs?: number;
  /** Path of the `bwrap` program (default: found on PATH). */
  bwrapPath?: string;
  /**
   * Apply pids/memory limits through a cgroup the environment creates (default true). When no
   * cgroup can be made, the default limits are dropped and `notes` says so; limits you set
   * yourself (`memory`, `pids`) are never dropped: the start fails instead.
   */
  limits?: boolean;
  /** Disposes the environment when aborted. */
  signal?: AbortSignal;
}

/** {@link LocalEnvironmentOptions} checked, with every default filled in. */
export interface ResolvedLocalOptions {
  mounts: ResolvedMount[];
  network: boolean;
  memory: number;
  pids: number;
  /** Whether `memory` or `pids` was set by the caller (then a missing cgroup is an error). */
  limitsRequested: boolean;
  limits: boolean;
  /** The shell's first directory. */
  workdir: string;
  env: Record<string, string>;
  outputLimit: number;
  defaultTimeoutMs: number;
  bwrapPath: string | undefined;
  signal: AbortSignal | undefined;
}

const MIN_MEMORY = 16 * 1024 ** 2;

const NAME = 'LocalEnvironment options';
const KNOWN_KEYS = [
  'mounts',
  'network',
  'memory',
  'pids',
  'workdir',
  'env',
  'outputLimit',
  'defaultTimeoutMs',
  'bwrapPath',
  'limits',
  'signal',
] as const;
/** Options of DockerEnvironment only, named so that the message can say so. */
const DOCKER_ONLY_KEYS = [
  'image',
  'cpus',
  'labels',
  'readOnlyRootfs',
  'user',
  'docker',
  'onProgress',
];

function checkAbsolutePath(value: unknown, name: string, example: string): string {
  const path = checkString(value, name, { nonEmpty: true, hint: `Pass e.g. ${example}.` });
  if (!path.startsWith('/') || /[\0\n]/.test(path)) {
    throw new ConfigurationError(
      `${name} must be an absolute path (starting with "/", no NUL or newline), but got ${describeValue(path)}. Pass e.g. ${example}.`,
    );
  }
  return path;
}

/**
 * Checks every option of a LocalEnvironment at construction (a `ConfigurationError` that names
 * the option, the bad value and the valid ones) and fills in the defaults.
 */
export function resolveLocalOptions(input: unknown): ResolvedLocalOptions {
  const options =
    input === undefined
      ? {}
      : checkObject(input, NAME, 'Pass an object such as { mounts: [{ hostPath: "./project" }] }.');
  for (const key of DOCKER_ONLY_KEYS) {
    if (options[key] !== undefined) {
      throw new ConfigurationError(
        `${NAME}: ${key} is an option of DockerEnvironment; LocalEnvironment runs the host's own programs under bubblewrap and has no ${key}. Remove it, or use DockerEnvironment.`,
      );
    }
  }
  checkKnownKeys(options, NAME, KNOWN_KEYS);
  const limits = options['limits'] === undefined ? true : checkBoolean(options['limits'], 'limits');
  const memory =
    options['memory'] === undefined
      ? DEFAULT_MEMORY
      : checkInteger(options['memory'], 'memory', {
          min: MIN_MEMORY,
          hint: `It is in bytes (at least ${MIN_MEMORY} = 16 MiB), e.g. 512 * 1024 ** 2 for 512 MiB; leave it out for 1 GiB.`,
        });
  const pids =
    options['pids'] === undefined
      ? DEFAULT_PIDS
      : checkInteger(options['pids'], 'pids', {
          min: MIN_PIDS,
          max: MAX_PIDS,
          hint: `It is the most processes the sandbox may run at once; leave it out for ${DEFAULT_PIDS}.`,
        });
  const limitsRequested = options['memory'] !== undefined || options['pids'] !== undefined;
  if (!limits && limitsRequested) {
    throw new ConfigurationError(
      `${NAME}: limits is false, so the ${options['memory'] !== undefined ? 'memory' : 'pids'} limit you set would not apply. Remove limits: false to have the limit, or remove the limit.`,
    );
  }
  const mounts = resolveMounts(options['mounts'], 'mounts');
  return {
    mounts,
    network: options['network'] === undefined ? false : checkBoolean(options['network'], 'network'),
    memory,
    pids,
    limitsRequested,
    limits,
    workdir:
      options['workdir'] === undefined
        ? defaultInitialDirectory(mounts)
        : checkAbsolutePath(options['workdir'], 'workdir', SANDBOX_WORKDIR),
    env: options['env'] === undefined ? {} : { ...checkEnvRecord(options['env'], 'env') },
    outputLimit:
      options['outputLimit'] === undefined
        ? DEFAULT_OUTPUT_LIMIT
        : checkInteger(options['outputLimit'], 'outputLimit', {
            min: MIN_OUTPUT_LIMIT,
            max: MAX_OUTPUT_LIMIT,
            hint: `It is a number of characters; leave it out for ${DEFAULT_OUTPUT_LIMIT}.`,
          }),
    defaultTimeoutMs:
      options['defaultTimeoutMs'] === undefined
        ? DEFAULT_TIMEOUT_MS
        : checkDuration(options['defaultTimeoutMs'], 'defaultTimeoutMs', { allowZero: true }),
    bwrapPath:
      options['bwrapPath'] === undefined
        ? undefined
        : checkAbsolutePath(options['bwrapPath'], 'bwrapPath', '/usr/bin/bwrap'),
    signal:
      options['signal'] === undefined ? undefined : checkAbortSignal(options['signal'], 'signal'),
  };
}
