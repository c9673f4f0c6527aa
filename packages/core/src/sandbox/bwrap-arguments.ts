import { lstatSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * The bubblewrap command lines of the local sandbox: how it is isolated (namespaces, user,
 * capabilities, seccomp) and what it sees (its filesystem). The shell and every host-side write
 * into the sandbox (`copyIn`) use the same two, so that a path means the same for both.
 */

/** The sandbox's home folder. */
export const SANDBOX_HOME = '/home/bot';
/** `PATH` inside the sandbox. */
export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The uid and gid the sandbox uses when the host process is root. */
export const SANDBOX_UNPRIVILEGED_ID = 1000;
/** File descriptor numbers passed to bwrap. */
export const SECCOMP_FD = 3;
export const INFO_FD = 4;

const ETC_FILES = [
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'nsswitch.conf',
  'alternatives',
  'ssl',
  'ca-certificates',
  'localtime',
  'hosts',
  'perl',
  'mime.types',
];
const ETC_NETWORK_FILES = ['resolv.conf', 'gai.conf', 'host.conf', 'services', 'protocols'];

/** The user the sandbox's processes run as, inside its user namespace. */
export interface SandboxUser {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/**
 * The host's uid and gid when they are not root's (so that files written to a read-write mount
 * are the user's, as they see them), else 1000; always named `bot`. The user namespace maps it
 * to the host process's own uid: never a capability, inside or outside.
 */
export function sandboxUser(): SandboxUser {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return uid === 0
    ? { uid: SANDBOX_UNPRIVILEGED_ID, gid: SANDBOX_UNPRIVILEGED_ID, name: 'bot' }
    : { uid, gid: gid === 0 ? SANDBOX_UNPRIVILEGED_ID : gid, name: 'bot' };
}

/** `/etc/passwd` and `/etc/group` of the sandbox. */
export function identityFiles(user: SandboxUser): { passwd: string; group: string } {
  const nobody =
    user.uid === 65534 ? '' : 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
  const nogroup = user.gid === 65534 ? '' : 'nogroup:x:65534:\n';
  return {
    passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\n${user.name}:x:${user.uid}:${user.gid}:${user.name}:${SANDBOX_HOME}:/bin/bash\n${nobody}`,
    group: `root:x:0:\n${user.name}:x:${user.gid}:\n${nogroup}`,
  };
}

/**
 * Namespaces, user and privileges: every namespace unshared (a user namespace always, mapping
 * {@link sandboxUser} to the caller), no nested user namespaces (`--disable-userns`: none to
 * regain capabilities in), every capability dropped (also for root), a new session (no
 * `TIOCSTI` into the caller's terminal), killed with its parent, and the seccomp program read
 * from {@link SECCOMP_FD}.
 */
export function isolationArguments(options: { network: boolean; user: SandboxUser }): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    ...(options.network ? ['--share-net'] : []),
    '--uid',
    String(options.user.uid),
    '--gid',
    String(options.user.gid),
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--seccomp',
    String(SECCOMP_FD),
  ];
}

/** A folder or file bound into the sandbox: `source` on the host, `sandboxPath` inside. */
export interface ViewBind {
  readonly source: string;
  readonly sandboxPath: string;
}

/** What the sandbox sees, besides the system's programs. */
export interface SandboxView {
  /** Host files of the sandbox's `/etc/passwd` and `/etc/group`. */
  readonly passwd: string;
  readonly group: string;
  /** Writable folders of the sandbox (its `/tmp`, home, `/workdir`) and the mounts, in order. */
  readonly binds: readonly ViewBind[];
  /** Whether the network files of `/etc` (resolver) are shown. */
  readonly network: boolean;
  /**
   * A host folder with the sandbox's own copies of {@link DEVICE_NAMES}, bound over bwrap's
   * (which are the host's own inodes): when the sandbox's uid is root's on the host, it owns
   * those and could `chmod` the host's `/dev/null`.
   */
  readonly devices?: string;
  /**
   * A host folder with an execute-only (mode 0111) copy of bash, shown read-only at
   * {@link LOCAL_SHELL_DIRECTORY}: a process that execs a binary it cannot read is not dumpable,
   * so a program the command starts cannot read the shell's memory or descriptors (where the
   * end-of-command nonce is), and the read-only bind keeps the sandbox from making it readable.
   */
  readonly shell?: string;
}

/** Where the sandbox's execute-only copy of bash is shown (see {@link SandboxView.shell}). */
export const LOCAL_SHELL_DIRECTORY = '/bots';

/** The device nodes bwrap's `--dev` binds from the host. */
export const DEVICE_NAMES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'] as const;

/**
 * The filesystem: `/usr` read-only with the `/bin`, `/lib*` links (or read-only binds where
 * they are folders), a minimal `/etc`, its own `/proc`, read-only (the user namespace's uid is
 * the caller's, and global sysctls such as `kernel.core_pattern` check only the uid), its own
 * `/dev` (with the sandbox's own device nodes when `devices` is set), the binds (bubblewrap binds
 * them `nosuid,nodev`), then `readOnly` binds; the root and `/etc` are read-only.
 */
export function filesystemArguments(
  view: SandboxView,
  readOnly: readonly ViewBind[] = [],
): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const path = `/${name}`;
    let info: ReturnType<typeof lstatSync>;
    try {
      info = lstatSync(path);
    } catch {
      continue;
    }
    if (info.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else args.push('--ro-bind', path, path);
  }
  const etcNames = [
    ...ETC_FILES,
    ...(view.network ? ETC_NETWORK_FILES : []),
    ...readdirSync('/etc').filter((name) => /^python3/.test(name)),
  ];
  for (const name of etcNames) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
  args.push(
    '--ro-bind',
    view.passwd,
    '/etc/passwd',
    '--ro-bind',
    view.group,
    '/etc/group',
    '--proc',
    '/proc',
    '--remount-ro',
    '/proc',
    '--dev',
    '/dev',
  );
  if (view.devices) {
    for (const name of DEVICE_NAMES)
      args.push('--dev-bind', `${view.devices}/${name}`, `/dev/${name}`);
  }
  for (const bind of view.binds) args.push('--bind', bind.source, bind.sandboxPath);
  for (const bind of readOnly) args.push('--ro-bind', bind.source, bind.sandboxPath);
  if (view.shell) args.push('--ro-bind', view.shell, LOCAL_SHELL_DIRECTORY);
  // The root itself (a tmpfs of bwrap's, holding the mount points) is read-only too.
  args.push('--remount-ro', '/');
  return args;
}

/**
 * The whole command line of the sandbox's shell: {@link isolationArguments},
 * {@link filesystemArguments}, bwrap's info on {@link INFO_FD}, a cleared environment with only
 * the sandbox's own variables and `env`, started in `/workdir` from the execute-only bash.
 */
export function shellArguments(options: {
  view: SandboxView;
  user: SandboxUser;
  env: Readonly<Record<string, string>>;
  workdir: string;
}): string[] {
  const { view, user } = options;
  const args = [
    ...isolationArguments({ network: view.network, user }),
    ...filesystemArguments(view),
    '--info-fd',
    String(INFO_FD),
    '--hostname',
    'bots-sandbox',
    '--clearenv',
    '--setenv',
    'PATH',
    SANDBOX_PATH,
    '--setenv',
    'HOME',
    SANDBOX_HOME,
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--setenv',
    'TERM',
    'dumb',
    '--setenv',
    'USER',
    user.name,
  ];
  for (const [key, value] of Object.entries(options.env)) args.push('--setenv', key, value);
  args.push('--chdir', options.workdir, `${LOCAL_SHELL_DIRECTORY}/bash`, '--noprofile', '--norc');
  return args;
}
