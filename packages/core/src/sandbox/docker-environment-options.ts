import { posix } from 'node:path';
import {
  ConfigurationError,
  checkBoolean,
  checkDuration,
  checkEnvRecord,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkString,
  describeValue,
} from '@bots/auth';
import type Docker from 'dockerode';
import type { Mount } from '../environment.js';
import { DEFAULT_OUTPUT_LIMIT } from './cap-output.js';
import type { DockerClient } from './docker-client.js';
import { type ResolvedMount, resolveMounts } from './mounts.js';
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

/** Options of a {@link DockerEnvironment}. */
export interface DockerEnvironmentOptions {
  /** Image to run (default: the sandbox image, built on first use by `ensureSandboxImage`). */
  image?: string;
  /** Host folders or files to show inside; read-only ones get a throwaway writable layer. */
  mounts?: Mount[];
  /**
   * Network access. `false` (default): none (`NetworkMode: none`). `true`: the engine's `bridge`
   * network, or `host` when the engine has no bridge (an engine started with `--bridge=none`,
   * as in this project's CI; `host` shares the host's network namespace). A string is used as
   * the `NetworkMode` as is: `none`, `host`, `bridge`, `container:<name>` or a network's name.
   */
  network?: boolean | string;
  /** Memory limit in bytes, swap included (default 1 GiB; at least 6 MiB). */
  memory?: number;
  /** Maximum number of processes (default 256; at least 16). */
  pids?: number;
  /** CPU limit in cores, e.g. 1.5 (default: no limit; at least 0.01). */
  cpus?: number;
  /** Extra container labels (names starting with `bots.` are the sandbox's own). */
  labels?: Record<string, string>;
  /** Directory the shell starts in (default: the first mount's sandbox path, else `/workdir`). */
  workdir?: string;
  /** Environment variables of the shell. Only these: the host's variables are never passed. */
  env?: Record<string, string>;
  /** Cap on the characters of output per command, head and tail kept (default 16 000). */
  outputLimit?: number;
  /** Timeout of commands that set none, in ms (default 120 000; 0 for none). */
  defaultTimeoutMs?: number;
  /** Mount the image's root file system read-only (`/tmp`, `/workdir`, home are tmpfs). */
  readOnlyRootfs?: boolean;
  /**
   * `uid[:gid]` inside (numbers; the gid defaults to the uid). Default: never root unless only
   * root could write the mounts. A process that is not root runs the sandbox as its own uid:gid
   * (files written to mounts are yours); as root, the sandbox runs as the owner of the first
   * read-write mount (else of the first mount), and as `1000:1000` without mounts. When that owner
   * is root (a root-owned folder), the sandbox runs as uid 0 without any capability and `notes`
   * says so.
   */
  user?: string;
  /** Docker client (default `new Docker()`, which honours `DOCKER_HOST`). */
  docker?: DockerClient;
  /** Progress lines while the sandbox image is built (first use only). */
  onProgress?: (line: string) => void;
  /** Disposes the environment when aborted. */
  signal?: AbortSignal;
}

/** {@link DockerEnvironmentOptions} checked, with every default filled in. */
export interface DockerSettings {
  image: string | undefined;
  mounts: ResolvedMount[];
  network: boolean | string;
  memory: number;
  pids: number;
  cpus: number | undefined;
  labels: Record<string, string>;
  /** The shell's first directory (default: the first mount's sandbox path, else `/workdir`). */
  workdir: string;
  env: Record<string, string>;
  outputLimit: number;
  defaultTimeoutMs: number;
  readOnlyRootfs: boolean;
  user: { uid: number; gid: number } | undefined;
  docker: Docker | undefined;
  onProgress: ((line: string) => void) | undefined;
  signal: AbortSignal | undefined;
}

const OPTION_NAMES = [
  'image',
  'mounts',
  'network',
  'memory',
  'pids',
  'cpus',
  'labels',
  'workdir',
  'env',
  'outputLimit',
  'defaultTimeoutMs',
  'readOnlyRootfs',
  'user',
  'docker',
  'onProgress',
  'signal',
] as const satisfies readonly (keyof DockerEnvironmentOptions)[];

/** Docker refuses a smaller memory limit. */
const MIN_MEMORY = 6 * 1024 ** 2;
const MAX_ID = 4_294_967_294;
/** Variables the sandbox sets itself. */
const RESERVED_ENV = ['BOTS_SHELL'];
const NETWORK_NAME = /^(?:container:)?[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const name = (option: string) => `DockerEnvironment option ${option}`;

function checkNetwork(value: unknown): boolean | string {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && NETWORK_NAME.test(value)) return value;
  throw new ConfigurationError(
    `${name('network')} must be true, false, "none", "host", "bridge", "container:<name>" or the name of a Docker network, but got ${describeValue(value)}.`,
  );
}

function checkLabels(value: unknown): Record<string, string> {
  const labels = checkObject(value, name('labels'), 'Pass { team: "x" }.');
  for (const [key, entry] of Object.entries(labels)) {
    if (key === '' || key.startsWith('bots.')) {
      throw new ConfigurationError(
        `${name('labels')} has the label ${describeValue(key)}; names starting with "bots." are the sandbox's own (its owner, for the cleanup of what ended processes left) and an empty name is not a label. Rename it.`,
      );
    }
    checkString(entry, `${name('labels')}.${key}`);
  }
  return labels as Record<string, string>;
}

function checkWorkdir(value: unknown): string {
  const workdir = checkString(value, name('workdir'), { nonEmpty: true });
  if (!posix.isAbsolute(workdir) || workdir.includes('\0')) {
    throw new ConfigurationError(
      `${name('workdir')} must be an absolute path inside the sandbox, such as "/workdir/project", but got ${describeValue(value)}.`,
    );
  }
  return workdir;
}

function checkEnv(value: unknown): Record<string, string> {
  const env = checkEnvRecord(value, name('env'));
  for (const key of RESERVED_ENV) {
    if (key in env) {
      throw new ConfigurationError(
        `${name('env')} sets ${key}, which the sandbox uses itself to find its shell's processes; choose another name.`,
      );
    }
  }
  return env;
}

function checkUser(value: unknown): { uid: number; gid: number } {
  const text = checkString(value, name('user'));
  const match = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(text);
  const uid = Number(match?.[1]);
  const gid = match?.[2] === undefined ? uid : Number(match[2]);
  if (!match || uid > MAX_ID || gid > MAX_ID) {
    throw new ConfigurationError(
      `${name('user')} must be "uid" or "uid:gid" in numbers from 0 to ${MAX_ID}, such as "1000:1000", but got ${describeValue(value)}. Names are not taken: the image may not know them.`,
    );
  }
  return { uid, gid };
}

/**
 * Checks every option of a `DockerEnvironment` (unknown keys too) and fills in the defaults. Bad
 * values throw a `ConfigurationError` that names the option, the value and what is valid, so that
 * a typo fails at construction rather than removing a limit or a mount.
 */
export function resolveDockerSettings(input: unknown): DockerSettings {
  const options =
    input === undefined
      ? {}
      : checkObject(
          input,
          'DockerEnvironment options',
          'Pass an object such as { memory: 512 * 1024 ** 2 }.',
        );
  checkKnownKeys(options, 'DockerEnvironment options', OPTION_NAMES);
  const has = (key: (typeof OPTION_NAMES)[number]) => options[key] !== undefined;
  const image = has('image')
    ? checkString(options['image'], name('image'), {
        nonEmpty: true,
        hint: 'Pass an image reference such as "node:20-bookworm-slim", or leave it unset for the sandbox image.',
      })
    : undefined;
  if (image !== undefined && /\s/.test(image)) {
    throw new ConfigurationError(
      `${name('image')} must be an image reference without spaces, such as "node:20-bookworm-slim", but got ${describeValue(image)}.`,
    );
  }
  let docker: Docker | undefined;
  if (has('docker')) {
    const client = checkObject(options['docker'], name('docker'), 'Pass a dockerode client.');
    checkFunction(
      client['ping'],
      `${name('docker')}.ping`,
      'Pass a dockerode client (new Docker()).',
    );
    docker = client as unknown as Docker;
  }
  const signal = options['signal'];
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigurationError(
      `${name('signal')} must be an AbortSignal (controller.signal), but got ${describeValue(signal)}.`,
    );
  }
  const mounts = resolveMounts(options['mounts'], name('mounts'));
  return {
    image,
    mounts,
    network: has('network') ? checkNetwork(options['network']) : false,
    memory: has('memory')
      ? checkInteger(options['memory'], name('memory'), {
          min: MIN_MEMORY,
          hint: 'It is the memory limit in bytes, swap included; for 512 MiB pass 512 * 1024 ** 2.',
        })
      : DEFAULT_MEMORY,
    pids: has('pids')
      ? checkInteger(options['pids'], name('pids'), {
          min: MIN_PIDS,
          max: MAX_PIDS,
          hint: 'It is the most processes the sandbox may run at once (default 256).',
        })
      : DEFAULT_PIDS,
    cpus: has('cpus')
      ? checkNumber(options['cpus'], name('cpus'), {
          min: 0.01,
          hint: 'It is the CPU limit in cores, such as 1.5; leave it unset for no limit.',
        })
      : undefined,
    labels: has('labels') ? checkLabels(options['labels']) : {},
    workdir: has('workdir') ? checkWorkdir(options['workdir']) : defaultInitialDirectory(mounts),
    env: has('env') ? checkEnv(options['env']) : {},
    outputLimit: has('outputLimit')
      ? checkInteger(options['outputLimit'], name('outputLimit'), {
          min: MIN_OUTPUT_LIMIT,
          max: MAX_OUTPUT_LIMIT,
          hint: 'It is the most characters of one command’s output that come back (default 16000).',
        })
      : DEFAULT_OUTPUT_LIMIT,
    defaultTimeoutMs: has('defaultTimeoutMs')
      ? checkDuration(options['defaultTimeoutMs'], name('defaultTimeoutMs'), { allowZero: true })
      : DEFAULT_TIMEOUT_MS,
    readOnlyRootfs: has('readOnlyRootfs')
      ? checkBoolean(options['readOnlyRootfs'], name('readOnlyRootfs'))
      : false,
    user: has('user') ? checkUser(options['user']) : undefined,
    docker,
    onProgress: has('onProgress')
      ? checkFunction<(line: string) => void>(options['onProgress'], name('onProgress'))
      : undefined,
    signal: signal as AbortSignal | undefined,
  };
}
