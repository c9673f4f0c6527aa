/**
 * What the sandboxes' seccomp filters refuse so that no file inside can get the setuid or setgid
 * bit: a read-write mount is the user's folder on the host, and a `-rwsr-xr-x root` file left
 * there would run as its owner for anyone on the host. Owning a file is enough to set the bits
 * (no capability needed), so dropping capabilities does not stop it; the kernel must refuse the
 * call. One list for both sandboxes: `LocalEnvironment` compiles it to a BPF program for
 * bubblewrap's `--seccomp`, `DockerEnvironment` renders it into its seccomp profile.
 */

/** The mode bits that are refused. */
export const SETID_BITS = 0o6000;

/** A syscall that takes a file mode, and which of its arguments (from 0) holds it. */
export interface ModeSyscall {
  readonly name: string;
  readonly modeArgument: number;
  /** Its number on each architecture that has it (Linux's `unistd` tables). */
  readonly numbers: { readonly x86_64?: number; readonly aarch64?: number };
}

/** Calls refused with `EPERM` when `(mode & SETID_BITS) !== 0`. */
export const SETID_MODE_SYSCALLS: readonly ModeSyscall[] = [
  { name: 'chmod', modeArgument: 1, numbers: { x86_64: 90 } },
  { name: 'fchmod', modeArgument: 1, numbers: { x86_64: 91, aarch64: 52 } },
  { name: 'fchmodat', modeArgument: 2, numbers: { x86_64: 268, aarch64: 53 } },
  { name: 'fchmodat2', modeArgument: 2, numbers: { x86_64: 452, aarch64: 452 } },
  { name: 'open', modeArgument: 2, numbers: { x86_64: 2 } },
  { name: 'openat', modeArgument: 3, numbers: { x86_64: 257, aarch64: 56 } },
  { name: 'creat', modeArgument: 1, numbers: { x86_64: 85 } },
  { name: 'mknod', modeArgument: 1, numbers: { x86_64: 133 } },
  { name: 'mknodat', modeArgument: 2, numbers: { x86_64: 259, aarch64: 33 } },
];

/**
 * Calls whose mode a filter cannot see (it is behind a pointer, or the work is done by the
 * kernel on the caller's behalf): refused with `ENOSYS`, so that programs fall back to the calls
 * above (glibc and libuv do).
 */
export const UNCHECKABLE_SYSCALLS: readonly ModeSyscall[] = [
  { name: 'openat2', modeArgument: -1, numbers: { x86_64: 437, aarch64: 437 } },
  { name: 'io_uring_setup', modeArgument: -1, numbers: { x86_64: 425, aarch64: 425 } },
];

/** errno values the filters return. */
export const ERRNO = { EPERM: 1, ENOSYS: 38 } as const;
