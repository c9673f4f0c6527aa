import { statSync } from 'node:fs';
import { basename, posix, resolve } from 'node:path';
import {
  ConfigurationError,
  checkKnownKeys,
  checkObject,
  checkOneOf,
  checkString,
  describeValue,
} from '@bots/auth';

/** A {@link Mount} with every default filled in and the host path checked. */
export interface ResolvedMount {
  hostPath: string;
  sandboxPath: string;
  mode: 'read-only' | 'read-write';
  /** True when the host path is a folder (false: a single file). */
  directory: boolean;
}

/** The folder under which mounts appear by default, and the sandbox's initial directory. */
export const SANDBOX_WORKDIR = '/workdir';

/** The valid values of `Mount.mode`; anything else is an error, never a default. */
export const MOUNT_MODES = ['read-only', 'read-write'] as const;

/**
 * Folders of the sandbox's own system: a mount at or under one would hide or replace the
 * programs and files the sandbox runs on (and, under `/proc`, `/sys` or `/dev`, kernel
 * interfaces), so both sandboxes refuse it.
 */
export const SYSTEM_PATHS: readonly string[] = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/sbin',
  '/sys',
  '/usr',
];

const MOUNT_KEYS = ['hostPath', 'sandboxPath', 'mode'] as const;
const MOUNT_SHAPE =
  'Pass { hostPath: "/path/on/the/host", sandboxPath?: "/workdir/name", mode?: "read-only" | "read-write" }.';

function systemPathOf(path: string): string | undefined {
  return SYSTEM_PATHS.find((system) => path === system || path.startsWith(`${system}/`));
}

function resolveSandboxPath(value: unknown, label: string, hostPath: string): string {
  if (value === undefined) return posix.join(SANDBOX_WORKDIR, basename(hostPath) || 'mount');
  const raw = checkString(value, label, {
    nonEmpty: true,
    hint: `Pass an absolute path inside the sandbox, e.g. ${SANDBOX_WORKDIR}/project, or leave it out for ${SANDBOX_WORKDIR}/<folder name>.`,
  });
  if (!raw.startsWith('/') || /[\0\n]/.test(raw)) {
    throw new ConfigurationError(
      `${label} must be an absolute path inside the sandbox (starting with "/", no NUL or newline), but got ${describeValue(raw)}. Pass e.g. ${SANDBOX_WORKDIR}/project.`,
    );
  }
  const sandboxPath = posix.normalize(raw).replace(/(.)\/+$/, '$1');
  if (sandboxPath === '/') {
    throw new ConfigurationError(
      `${label} must not be "/": the sandbox's root holds its own system. Pass a folder such as ${SANDBOX_WORKDIR}/project.`,
    );
  }
  const system = systemPathOf(sandboxPath);
  if (system) {
    throw new ConfigurationError(
      `${label} is ${describeValue(raw)}, inside the sandbox's system folder ${system} (${SYSTEM_PATHS.join(', ')} are refused): a mount there would hide or replace the sandbox's own programs and files. Mount under ${SANDBOX_WORKDIR} (the default, ${SANDBOX_WORKDIR}/<folder name>) or another folder of your own, e.g. /data.`,
    );
  }
  return sandboxPath;
}

/**
 * Checks mounts and fills in their defaults (`/workdir/<basename>`, read-only), for both
 * sandboxes, at construction: a `ConfigurationError` that names the option (`mounts[1].mode`),
 * the bad value and the valid ones for a mount that is not an object, has an unknown key, an
 * unknown mode (a typo such as `readonly` is an error, never read-write), a host path that does
 * not exist, a sandbox path that is relative, `/`, at or under a system folder
 * ({@link SYSTEM_PATHS}), or used twice.
 */
export function resolveMounts(mounts: unknown = [], name = 'mounts'): ResolvedMount[] {
  if (!Array.isArray(mounts)) {
    throw new ConfigurationError(
      `${name} must be an array of mounts, but got ${describeValue(mounts)}. ${MOUNT_SHAPE}`,
    );
  }
  const seen = new Map<string, number>();
  return mounts.map((entry: unknown, index) => {
    const label = `${name}[${index}]`;
    const mount = checkObject(entry, label, MOUNT_SHAPE);
    checkKnownKeys(mount, label, MOUNT_KEYS);
    const rawHostPath = checkString(mount['hostPath'], `${label}.hostPath`, {
      nonEmpty: true,
      hint: 'Pass the path of a folder or file on the host.',
    });
    if (rawHostPath.includes('\0')) {
      throw new ConfigurationError(`${label}.hostPath must not contain a NUL character.`);
    }
    const hostPath = resolve(rawHostPath);
    const mode =
      mount['mode'] === undefined
        ? 'read-only'
        : checkOneOf(
            mount['mode'],
            `${label}.mode`,
            MOUNT_MODES,
            'read-only (the default) keeps the host folder unchanged; read-write lets the bot change it.',
          );
    let directory: boolean;
    try {
      directory = statSync(hostPath).isDirectory();
    } catch (error) {
      throw new ConfigurationError(
        `${label}.hostPath is ${JSON.stringify(hostPath)}, which does not exist or cannot be read. Pass an existing folder or file.`,
        { cause: error },
      );
    }
    const sandboxPath = resolveSandboxPath(mount['sandboxPath'], `${label}.sandboxPath`, hostPath);
    const earlier = seen.get(sandboxPath);
    if (earlier !== undefined) {
      throw new ConfigurationError(
        `${name}[${earlier}] and ${label} both use the sandbox path ${sandboxPath}; give each its own sandboxPath.`,
      );
    }
    seen.set(sandboxPath, index);
    return { hostPath, sandboxPath, mode, directory };
  });
}
