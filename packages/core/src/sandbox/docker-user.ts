import type { ResolvedMount } from './mounts.js';

/** A uid and gid inside the sandbox, and why they were chosen. */
export interface SandboxUser {
  uid: number;
  gid: number;
  /** A sentence for `notes` when the choice is worth knowing (uid 0), else undefined. */
  note?: string;
}

/** What {@link chooseSandboxUser} decides from. */
export interface SandboxUserInput {
  /** The `user` option, if given. */
  explicit?: { uid: number; gid: number } | undefined;
  mounts: readonly ResolvedMount[];
  /** The host process's uid and gid (undefined where the platform has none). */
  processUid: number | undefined;
  processGid: number | undefined;
  /** The owner of a host path. */
  ownerOf: (path: string) => { uid: number; gid: number };
}

/** The unprivileged user of the sandbox image (`bot`), for a sandbox without mounts. */
export const IMAGE_USER = { uid: 1000, gid: 1000 } as const;

/**
 * Who the sandbox's processes run as. Never root unless only root could write the mounts:
 * - the `user` option, when given;
 * - a host process that is not root: its own uid:gid (what the sandbox writes is the user's, and
 *   it can read no more than the user);
 * - a root host process: the owner of the first read-write mount (else of the first mount), so
 *   that writes to it work as they would for its owner; a root-owned folder leaves only uid 0
 *   (without capabilities: a sandbox holds none); without mounts, the image's `bot` (1000:1000).
 */
export function chooseSandboxUser(input: SandboxUserInput): SandboxUser {
  if (input.explicit) return { ...input.explicit };
  if (input.processUid !== undefined && input.processUid !== 0) {
    return { uid: input.processUid, gid: input.processGid ?? input.processUid };
  }
  const mount = input.mounts.find((entry) => entry.mode === 'read-write') ?? input.mounts[0];
  if (!mount) return { ...IMAGE_USER };
  const owner = input.ownerOf(mount.hostPath);
  if (owner.uid !== 0) return owner;
  return {
    ...owner,
    note: `The sandbox runs as uid 0, without any capability, because ${mount.hostPath} belongs to root and only its owner can write it without a capability. Pass user: "1000:1000" (or any uid) to run it unprivileged; that user then needs write access to the folder.`,
  };
}
