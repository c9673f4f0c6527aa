import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  existsSync,
  constants as fsConstants,
  lstatSync,
  readdirSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { delimiter, dirname, join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CommandResult, Environment, ExecuteOptions, Mount } from '../environment.js';
import { createSandboxCgroup, type SandboxCgroup } from './cgroup.js';
import { registerCleanup } from './cleanup-registry.js';
import { SandboxError } from './errors.js';
import { type ResolvedMount, resolveMounts, SANDBOX_WORKDIR } from './mounts.js';
import { type ShellProcess, ShellSession } from './shell-session.js';
import { waitForStart } from './wait-for-start.js';

/** Options of a {@link LocalEnvironment}. */
export interface LocalEnvironmentOptions {
  /** Host folders or files to show inside; read-only ones are copied to a throwaway folder. */
  mounts?: Mount[];
  /** Share the host's network (`--share-net`); default false: loopback of its own only. */
  network?: boolean;
  /** Memory limit in bytes, through a cgroup (default 1 GiB). */
  memory?: number;
  /** Maximum number of processes, through a cgroup (default 256). */
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
   * Apply pids/memory limits through a cgroup the environment creates (default true). When that
   * is impossible the sandbox runs without limits and `notes` says so.
   */
  limits?: boolean;
  /** Disposes the environment when aborted. */
  signal?: AbortSignal;
}

const DEFAULT_MEMORY = 1024 ** 3;
const DEFAULT_PIDS = 256;
const DEFAULT_TIMEOUT_MS = 120_000;
const SANDBOX_HOME = '/home/bot';
const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
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

const INSTALL_HINT =
  'LocalEnvironment needs bubblewrap (the `bwrap` program). Install it: `apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap` (Fedora), `pacman -S bubblewrap` (Arch); or use DockerEnvironment.';

function findExecutable(name: string): string | undefined {
  for (const directory of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new SandboxError(`${command} ${args.join(' ')} failed: ${stderr.trim()}`)),
    );
  });
}

/**
 * A sandbox on the host through bubblewrap, for machines without a Docker engine: only `/usr`
 * (and the `/bin`, `/lib*` links), a minimal `/etc`, its own `/proc`, `/dev`, `/tmp`, home and
 * `/workdir` (temporary folders of the environment), and the mounts; all namespaces unshared (no
 * network unless asked for, its own pid namespace), a cleared environment, `--die-with-parent`.
 * Read-only mounts are copies in a temporary folder, so the host folder never changes.
 * Pids/memory limits come from a cgroup the environment creates (see `notes` when it cannot).
 */
export class LocalEnvironment implements Environment {
  readonly kind = 'local';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: string[] = [];
  readonly #options: LocalEnvironmentOptions;
  readonly #mounts: ResolvedMount[];
  readonly #bwrap: string;
  readonly #id = randomBytes(6).toString('hex');
  #root: string | undefined;
  #cgroup: SandboxCgroup | undefined;
  #children = new Set<ChildProcess>();
  /** Sandbox path -> host path, longest first: where copyIn can write. */
  #writable: { sandboxPath: string; hostPath: string }[] = [];
  #session: ShellSession | undefined;
  #starting: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  #disposed = false;
  #disposing: Promise<void> | undefined;
  readonly #onAbort = () => void this.dispose();

  /** @throws SandboxError when `bwrap` is not installed (the message has the install hint). */
  constructor(options: LocalEnvironmentOptions = {}) {
    this.#options = options;
    const bwrap = options.bwrapPath ?? findExecutable('bwrap');
    if (!bwrap || !existsSync(bwrap)) throw new SandboxError(INSTALL_HINT);
    if (process.platform !== 'linux') {
      throw new SandboxError(
        'LocalEnvironment (bubblewrap) runs on Linux only; use DockerEnvironment.',
      );
    }
    this.#bwrap = bwrap;
    this.#mounts = resolveMounts(options.mounts);
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True when `bwrap` is on PATH (a CLI can pick the sandbox with it). */
  static isAvailable(): boolean {
    return process.platform === 'linux' && findExecutable('bwrap') !== undefined;
  }

  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#disposed)
      throw new SandboxError('This LocalEnvironment was disposed; create a new one.');
    if (this.#session) return;
    this.#starting ??= this.#start().catch(async (error) => {
      this.#starting = undefined;
      await this.dispose();
      throw error;
    });
    await waitForStart(this.#starting, options.signal, () => void this.dispose());
  }

  async execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    await this.start({ signal: options.signal });
    if (!this.#session)
      throw new SandboxError('This LocalEnvironment was disposed; create a new one.');
    return this.#session.run(command, options);
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    await this.start();
    const target = posix.normalize(sandboxPath);
    const place = this.#writable.find(
      (entry) => target === entry.sandboxPath || target.startsWith(`${entry.sandboxPath}/`),
    );
    if (!place) {
      throw new SandboxError(
        `copyIn can write only under ${this.#writable.map((entry) => entry.sandboxPath).join(', ')} in a LocalEnvironment; got ${sandboxPath}.`,
      );
    }
    const destination = join(place.hostPath, target.slice(place.sandboxPath.length));
    await mkdir(dirname(destination), { recursive: true });
    if (lstatSync(hostPath).isDirectory()) {
      await mkdir(destination, { recursive: true });
      await run('cp', ['-a', '--reflink=auto', '--', `${hostPath}/.`, destination]);
    } else {
      await run('cp', ['-a', '--reflink=auto', '--', hostPath, destination]);
    }
  }

  dispose(): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  async #dispose(): Promise<void> {
    this.#disposed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    await this.#starting?.catch(() => undefined);
    await this.#session?.close().catch(() => undefined);
    this.#session = undefined;
    this.#killChildren();
    await this.#cgroup?.remove().catch(() => undefined);
    this.#cgroup = undefined;
    if (this.#root) await rm(this.#root, { recursive: true, force: true }).catch(() => undefined);
    this.#root = undefined;
    this.#unregister?.();
    this.#unregister = undefined;
  }

  #killChildren(): void {
    for (const child of this.#children) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.#children.clear();
  }

  async #start(): Promise<void> {
    const root = await mkdtemp(join(tmpdir(), 'bots-local-'));
    this.#root = root;
    this.#unregister = registerCleanup({
      description: `local sandbox ${this.#id}`,
      cleanupSync: () => {
        this.#killChildren();
        this.#cgroup?.removeSync();
        if (this.#root) rmSync(this.#root, { recursive: true, force: true });
        return true;
      },
      cleanupAsync: async () => undefined,
    });
    for (const name of ['tmp', 'workdir', 'home', 'etc', 'mounts']) await mkdir(join(root, name));
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const passwd =
      uid === 0
        ? `root:x:0:0:root:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`
        : `root:x:0:0:root:/root:/bin/bash\nbot:x:${uid}:${gid}:bot:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`;
    const group =
      gid === 0 ? 'root:x:0:\nnogroup:x:65534:\n' : `root:x:0:\nbot:x:${gid}:\nnogroup:x:65534:\n`;
    await writeFile(join(root, 'etc', 'passwd'), passwd);
    await writeFile(join(root, 'etc', 'group'), group);

    if (this.#options.limits !== false) {
      const made = await createSandboxCgroup(`bots-sandbox-${this.#id}`, {
        pids: this.#options.pids ?? DEFAULT_PIDS,
        memory: this.#options.memory ?? DEFAULT_MEMORY,
      });
      if ('cgroup' in made) this.#cgroup = made.cgroup;
      else {
        this.notes.push(
          `No pids/memory limits: a cgroup could not be made (${made.reason}). Run as root, use a delegated cgroup v2 (systemd-run --user --scope -p Delegate=yes), or use DockerEnvironment.`,
        );
      }
    }

    const args: string[] = [
      '--unshare-all',
      ...(this.#options.network ? ['--share-net'] : []),
      '--die-with-parent',
      '--new-session',
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
      uid === 0 ? 'root' : 'bot',
      '--ro-bind',
      '/usr',
      '/usr',
    ];
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
      ...(this.#options.network ? ETC_NETWORK_FILES : []),
      ...readdirSync('/etc').filter((name) => /^python3/.test(name)),
    ];
    for (const name of etcNames) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
    args.push(
      '--ro-bind',
      join(root, 'etc', 'passwd'),
      '/etc/passwd',
      '--ro-bind',
      join(root, 'etc', 'group'),
      '/etc/group',
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--bind',
      join(root, 'tmp'),
      '/tmp',
      '--bind',
      join(root, 'home'),
      SANDBOX_HOME,
      '--bind',
      join(root, 'workdir'),
      SANDBOX_WORKDIR,
    );
    const writable = [
      { sandboxPath: '/tmp', hostPath: join(root, 'tmp') },
      { sandboxPath: SANDBOX_HOME, hostPath: join(root, 'home') },
      { sandboxPath: SANDBOX_WORKDIR, hostPath: join(root, 'workdir') },
    ];
    const ordered = [...this.#mounts].sort(
      (a, b) => a.sandboxPath.split('/').length - b.sandboxPath.split('/').length,
    );
    for (const [index, mount] of ordered.entries()) {
      let source = mount.hostPath;
      if (mount.mode === 'read-only') {
        source = join(root, 'mounts', String(index));
        if (mount.directory) {
          await mkdir(source);
          await run('cp', ['-a', '--reflink=auto', '--', `${mount.hostPath}/.`, source]);
        } else {
          await run('cp', ['-a', '--reflink=auto', '--', mount.hostPath, source]);
        }
      }
      args.push('--bind', source, mount.sandboxPath);
      if (mount.directory) writable.push({ sandboxPath: mount.sandboxPath, hostPath: source });
    }
    this.#writable = writable.sort((a, b) => b.sandboxPath.length - a.sandboxPath.length);
    const workdir = this.#options.workdir ?? this.#mounts[0]?.sandboxPath ?? SANDBOX_WORKDIR;
    for (const [key, value] of Object.entries(this.#options.env ?? {})) {
      args.push('--setenv', key, value);
    }
    args.push('--chdir', SANDBOX_WORKDIR, 'bash', '--noprofile', '--norc');

    this.#session = new ShellSession({
      initialDirectory: workdir,
      outputLimit: this.#options.outputLimit,
      defaultTimeoutMs: this.#options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      start: () => this.#startShell(args),
    });
    await this.#session.ensureStarted();
  }

  async #startShell(args: string[]): Promise<ShellProcess> {
    // Join the cgroup before bwrap starts, so that every process of the sandbox is in it.
    const join =
      'IFS=:; for f in $BOTS_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@"';
    const child = spawn('/bin/sh', ['-c', join, 'sh', this.#bwrap, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: {
        PATH: SANDBOX_PATH,
        BOTS_CGROUP_PROCS: this.#cgroup?.procsFiles.join(':') ?? '',
      },
    });
    this.#children.add(child);
    const output = new PassThrough();
    let open = 2;
    const ended = () => {
      open -= 1;
      if (open === 0) output.end();
    };
    child.stdout!.on('data', (chunk) => output.write(chunk));
    child.stderr!.on('data', (chunk) => output.write(chunk));
    child.stdout!.once('end', ended);
    child.stderr!.once('end', ended);
    const exited = new Promise<number | undefined>((resolve) => {
      child.once('error', () => resolve(undefined));
      child.once('close', (code, signal) => {
        this.#children.delete(child);
        resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : undefined));
      });
    });
    child.once('error', (error) => {
      output.write(`bwrap could not start: ${error.message}\n`);
    });
    return {
      input: child.stdin!,
      output,
      exited,
      kill: async () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      },
    };
  }
}
