import { statSync } from 'node:fs';
import { basename, isAbsolute, posix, resolve } from 'node:path';
import type { Mount } from '../environment.js';
import { SandboxError } from './errors.js';

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

/** Fills in defaults (`/workdir/<basename>`, read-only) and checks the host paths exist. */
export function resolveMounts(mounts: readonly Mount[] = []): ResolvedMount[] {
  const seen = new Set<string>();
  return mounts.map((mount) => {
    const hostPath = resolve(mount.hostPath);
    let directory: boolean;
    try {
      directory = statSync(hostPath).isDirectory();
    } catch (error) {
      throw new SandboxError(
        `The mount's host path ${hostPath} does not exist or cannot be read. Pass an existing folder or file as mounts[].hostPath.`,
        { cause: error },
      );
    }
    const sandboxPath = posix.normalize(
      mount.sandboxPath ?? posix.join(SANDBOX_WORKDIR, basename(hostPath) || 'mount'),
    );
    if (!isAbsolute(sandboxPath) || sandboxPath === '/') {
      throw new SandboxError(
        `mounts[].sandboxPath must be an absolute path other than "/", got "${mount.sandboxPath}".`,
      );
    }
    if (seen.has(sandboxPath)) {
      throw new SandboxError(
        `Two mounts use the same sandbox path ${sandboxPath}; give each its own sandboxPath.`,
      );
    }
    seen.add(sandboxPath);
    return { hostPath, sandboxPath, mode: mount.mode ?? 'read-only', directory };
  });
}
