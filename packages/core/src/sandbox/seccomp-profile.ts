import { ERRNO, SETID_BITS, SETID_MODE_SYSCALLS, UNCHECKABLE_SYSCALLS } from './setid-rules.js';

/**
 * The seccomp profile of {@link DockerEnvironment}'s containers, in Docker's JSON format
 * (`SecurityOpt: ['seccomp=<json>']`). A profile passed this way replaces Docker's default one,
 * so this one is complete on its own: an allowlist (anything not named is refused with `ENOSYS`,
 * which is also what a syscall the engine's libseccomp does not know gets, so that a new kernel
 * call is never let through by accident), written for a container without capabilities:
 *
 * - the calls that would set the setuid/setgid bits ({@link SETID_MODE_SYSCALLS}, shared with
 *   `LocalEnvironment`) are refused with `EPERM` when the mode has them, allowed otherwise;
 * - the calls whose mode a filter cannot see ({@link UNCHECKABLE_SYSCALLS}) are refused with
 *   `ENOSYS`, and so is `clone3` (its flags are behind a pointer), so programs fall back;
 * - what an unprivileged process could otherwise use to gain capabilities or reach kernel attack
 *   surface is refused with `EPERM` ({@link REFUSED_SYSCALLS}): new namespaces (`unshare`,
 *   `clone` with a namespace flag), mounts, kernel keyrings, BPF, perf, userfaultfd, tracing and
 *   reading other processes' memory, modules, kexec, clock and host settings;
 * - sockets only of the families programs need (Unix, IPv4, IPv6, netlink), `personality` only
 *   with the values Linux programs use (no `ADDR_NO_RANDOMIZE`, `READ_IMPLIES_EXEC` ...);
 * - native system calls only: 32-bit (`int 0x80`) and x32 calls on x86-64 and 32-bit ARM calls
 *   on arm64 kill the process.
 */

/** One entry of a Docker seccomp profile. */
export interface SeccompRule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  errnoRet?: number;
  args?: { index: number; value: number; valueTwo: number; op: 'SCMP_CMP_MASKED_EQ' }[];
  comment?: string;
}

/** A Docker seccomp profile (the subset of the format this module writes). */
export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ERRNO';
  defaultErrnoRet: number;
  archMap: { architecture: string; subArchitectures: string[] }[];
  syscalls: SeccompRule[];
}

/** Calls a program in the sandbox may make, by what they are for (names separated by spaces). */
export const ALLOWED_SYSCALLS: Readonly<Record<string, string>> = {
  'processes and threads':
    'arch_prctl capget capset execve execveat exit exit_group fork vfork get_robust_list ' +
    'set_robust_list get_thread_area set_thread_area set_tid_address getpid getppid gettid ' +
    'getpgid setpgid getpgrp getsid setsid getpriority setpriority sched_getaffinity ' +
    'sched_setaffinity sched_getattr sched_setattr sched_getparam sched_setparam ' +
    'sched_get_priority_max sched_get_priority_min sched_getscheduler sched_setscheduler ' +
    'sched_rr_get_interval sched_yield prctl prlimit64 getrlimit setrlimit getrusage wait4 ' +
    'waitid rseq seccomp membarrier uname sysinfo times umask getcpu ioprio_get ioprio_set ' +
    'modify_ldt restart_syscall landlock_create_ruleset landlock_add_rule ' +
    'landlock_restrict_self',
  signals:
    'kill tkill tgkill rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo ' +
    'rt_tgsigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait sigaltstack signalfd ' +
    'signalfd4 pidfd_open pidfd_send_signal pause',
  'user and group ids (without capabilities: only among the ids the process has)':
    'getuid geteuid getgid getegid getresuid getresgid getgroups setuid setgid setreuid ' +
    'setregid setresuid setresgid setgroups setfsuid setfsgid',
  memory:
    'brk mmap munmap mprotect mremap madvise mincore mlock mlock2 mlockall munlock munlockall ' +
    'msync remap_file_pages pkey_alloc pkey_free pkey_mprotect memfd_create map_shadow_stack ' +
    'get_mempolicy',
  'files and directories':
    'read write readv writev pread64 pwrite64 preadv pwritev preadv2 pwritev2 close ' +
    'close_range lseek dup dup2 dup3 fcntl ioctl flock fsync fdatasync sync syncfs ' +
    'sync_file_range truncate ftruncate fallocate fadvise64 readahead sendfile splice tee ' +
    'vmsplice copy_file_range stat fstat lstat newfstatat statx statfs fstatfs access ' +
    'faccessat faccessat2 getdents getdents64 getcwd chdir fchdir mkdir mkdirat rmdir rename ' +
    'renameat renameat2 link linkat symlink symlinkat unlink unlinkat readlink readlinkat ' +
    'chown fchown fchownat lchown utime utimes futimesat utimensat getxattr lgetxattr ' +
    'fgetxattr setxattr lsetxattr fsetxattr listxattr llistxattr flistxattr removexattr ' +
    'lremovexattr fremovexattr name_to_handle_at inotify_init inotify_init1 inotify_add_watch ' +
    'inotify_rm_watch fanotify_mark cachestat',
  'waiting and events':
    'pipe pipe2 eventfd eventfd2 epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait ' +
    'epoll_pwait2 poll ppoll select pselect6 futex futex_waitv futex_wake futex_wait ' +
    'futex_requeue io_setup io_destroy io_submit io_cancel io_getevents io_pgetevents',
  time:
    'clock_gettime clock_getres clock_nanosleep nanosleep gettimeofday time alarm getitimer ' +
    'setitimer timer_create timer_delete timer_settime timer_gettime timer_getoverrun ' +
    'timerfd_create timerfd_settime timerfd_gettime adjtimex clock_adjtime',
  'sockets (socket and socketpair: see below)':
    'bind connect listen accept accept4 getsockname getpeername getsockopt setsockopt sendto ' +
    'recvfrom sendmsg recvmsg sendmmsg recvmmsg shutdown',
  'System V and POSIX IPC (private to the container)':
    'msgget msgsnd msgrcv msgctl semget semop semtimedop semctl shmget shmat shmdt shmctl ' +
    'mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify mq_getsetattr',
  'random numbers': 'getrandom',
};

/** Calls refused with `EPERM`, each group with why (names separated by spaces). */
export const REFUSED_SYSCALLS: Readonly<Record<string, string>> = {
  'new namespaces: a user namespace gives its creator every capability inside it': 'unshare setns',
  'mounts and the root directory':
    'mount umount umount2 pivot_root chroot fsopen fsconfig fsmount fspick move_mount ' +
    'open_tree mount_setattr',
  'kernel keyrings (not namespaced: shared with the host)': 'keyctl add_key request_key',
  'other processes: tracing them, reading or changing their memory, taking their files':
    'ptrace process_vm_readv process_vm_writev process_madvise process_mrelease pidfd_getfd ' +
    'kcmp',
  'kernel attack surface an unprivileged process could reach':
    'bpf perf_event_open userfaultfd lookup_dcookie open_by_handle_at fanotify_init uselib ' +
    'ustat sysfs _sysctl nfsservctl quotactl quotactl_fd mbind set_mempolicy ' +
    'set_mempolicy_home_node migrate_pages move_pages',
  'modules, kexec, reboot and host-wide settings':
    'init_module finit_module delete_module create_module query_module get_kernel_syms ' +
    'kexec_load kexec_file_load reboot swapon swapoff acct syslog vhangup iopl ioperm ' +
    'settimeofday clock_settime stime sethostname setdomainname',
};

/** Calls refused with `ENOSYS`, so that programs fall back to calls the filter can check. */
export const FALLBACK_SYSCALLS: readonly string[] = [
  ...UNCHECKABLE_SYSCALLS.map((call) => call.name),
  'io_uring_enter',
  'io_uring_register',
  'clone3',
];

/** `clone` flags that create namespaces (`CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET`). */
export const CLONE_NAMESPACE_FLAGS = 0x7e02_0000;

/** Socket families a program may create: `AF_UNIX`, `AF_INET`, `AF_INET6`, `AF_NETLINK`. */
export const SOCKET_FAMILIES: readonly number[] = [1, 2, 10, 16];

/**
 * `personality` values programs use: `PER_LINUX` (0), `PER_LINUX32` (8), `UNAME26` (0x20000) and
 * both, and the query (0xffffffff). Refused: `ADDR_NO_RANDOMIZE`, `READ_IMPLIES_EXEC`,
 * `MMAP_PAGE_ZERO`, ... (they weaken the memory layout for the caller and its children).
 */
export const PERSONALITY_VALUES: readonly number[] = [0, 8, 0x2_0000, 0x2_0008, 0xffff_ffff];

// The kernel reads these arguments as 32-bit ints: compare only the low 32 bits, so that high
// bits set by the caller cannot slip past an equality.
const LOW_32_BITS = 0xffff_ffff;

/** The names of one group of {@link ALLOWED_SYSCALLS} or {@link REFUSED_SYSCALLS}. */
export function syscallNames(group: string): string[] {
  return group.split(/\s+/).filter(Boolean);
}

function masked(index: number, mask: number, value: number) {
  return { index, value: mask, valueTwo: value, op: 'SCMP_CMP_MASKED_EQ' as const };
}

function modeRules(): SeccompRule[] {
  const byArgument = new Map<number, string[]>();
  for (const call of SETID_MODE_SYSCALLS) {
    byArgument.set(call.modeArgument, [...(byArgument.get(call.modeArgument) ?? []), call.name]);
  }
  const rules: SeccompRule[] = [];
  for (const [index, names] of byArgument) {
    rules.push({
      names,
      action: 'SCMP_ACT_ALLOW',
      args: [masked(index, SETID_BITS, 0)],
      comment: 'a mode without the setuid and setgid bits',
    });
    for (const bit of [0o4000, 0o2000]) {
      rules.push({
        names,
        action: 'SCMP_ACT_ERRNO',
        errnoRet: ERRNO.EPERM,
        args: [masked(index, bit, bit)],
        comment: `refused: the mode has the ${bit === 0o4000 ? 'setuid' : 'setgid'} bit`,
      });
    }
  }
  return rules;
}

/** Builds the profile described in this module's header. */
export function sandboxSeccompProfile(): SeccompProfile {
  const allowed = Object.values(ALLOWED_SYSCALLS).flatMap(syscallNames);
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: ERRNO.ENOSYS,
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: [] },
    ],
    syscalls: [
      { names: allowed, action: 'SCMP_ACT_ALLOW' },
      ...modeRules(),
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [masked(0, CLONE_NAMESPACE_FLAGS, 0)],
        comment: 'no namespace flag',
      },
      ...Object.entries(REFUSED_SYSCALLS).map(
        ([comment, names]): SeccompRule => ({
          names: syscallNames(names),
          action: 'SCMP_ACT_ERRNO',
          errnoRet: ERRNO.EPERM,
          comment,
        }),
      ),
      ...[
        0x1000_0000, 0x2000_0000, 0x4000_0000, 0x0800_0000, 0x0400_0000, 0x0200_0000, 0x2_0000,
      ].map(
        (flag): SeccompRule => ({
          names: ['clone'],
          action: 'SCMP_ACT_ERRNO',
          errnoRet: ERRNO.EPERM,
          args: [masked(0, flag, flag)],
          comment: 'refused: a namespace flag',
        }),
      ),
      ...SOCKET_FAMILIES.map(
        (family): SeccompRule => ({
          names: family === 1 ? ['socket', 'socketpair'] : ['socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [masked(0, LOW_32_BITS, family)],
        }),
      ),
      ...PERSONALITY_VALUES.map(
        (value): SeccompRule => ({
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [masked(0, LOW_32_BITS, value)],
        }),
      ),
      { names: [...FALLBACK_SYSCALLS], action: 'SCMP_ACT_ERRNO', errnoRet: ERRNO.ENOSYS },
    ],
  };
}

let rendered: string | undefined;

/** {@link sandboxSeccompProfile} as the JSON text Docker takes (computed once). */
export function sandboxSeccompJson(): string {
  rendered ??= JSON.stringify(sandboxSeccompProfile());
  return rendered;
}
