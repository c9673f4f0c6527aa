import { randomBytes } from 'node:crypto';
import { checkAbortSignal, checkKnownKeys, checkObject } from '@bots/auth';
import { registerCleanup } from './cleanup-registry.js';
import { SandboxError } from './errors.js';
import {
  dockerMembers,
  localMembers,
  type MemberFactory,
  POOL_LABEL,
  type PooledSandbox,
} from './sandbox-pool-member.js';
import { resolvePoolOptions, type SandboxPoolOptions } from './sandbox-pool-options.js';

export type { PooledSandbox } from './sandbox-pool-member.js';
export type { SandboxPoolOptions } from './sandbox-pool-options.js';

/** How many sandboxes of a pool are in each state. */
export interface SandboxPoolStats {
  /** Started and waiting to be acquired. */
  readonly idle: number;
  /** Being started (refill, or for an `acquire()` that waits). */
  readonly starting: number;
  /** Acquired and not disposed yet. */
  readonly inUse: number;
}

interface Waiter {
  resolve(sandbox: PooledSandbox): void;
  reject(error: unknown): void;
}

/**
 * Keeps `size` sandboxes of one kind and one set of options started, so that a bot's first
 * command does not wait for a container (or a bubblewrap sandbox) to start.
 *
 * `acquire()` hands out a started sandbox for one task and starts another in the background; the
 * caller disposes it when the task ends, which removes it: a sandbox is never handed out twice,
 * so nothing one task wrote (in its working folder, in `/tmp`, in a read-only mount's throwaway
 * layer) is seen by the next. With no sandbox ready, `acquire()` waits for the next one to
 * start; the pool never holds more than `size` sandboxes besides those in use.
 *
 * A sandbox that fails to start is not retried in a loop: its error goes to the `acquire()`
 * waiting for it (or to the next one, or to `start()`), and the pool starts another only when an
 * `acquire()` asks, until a start succeeds again.
 *
 * `close()` removes every sandbox the pool made: ready, starting and in use. So do process exit
 * and SIGINT/SIGTERM/SIGHUP (the sandboxes' cleanup registry); Docker sandboxes carry the owner
 * labels and `bots.pool=<id>`, so `DockerEnvironment.removeStale()` removes what a killed
 * process's pool left.
 *
 * @example
 * const pool = new SandboxPool({ size: 2, sandbox: 'docker', mounts: [{ hostPath: './repo' }] });
 * await pool.start(); // optional: acquire() starts the pool too
 * const result = await pool.use((environment) =>
 *   new ReadingBot({ model, folder: './repo', environment }).run('What does it do?'),
 * );
 * await pool.close();
 */
export class SandboxPool implements AsyncDisposable {
  /** The pool's id: the value of the `bots.pool` label of its Docker sandboxes. */
  readonly id = randomBytes(6).toString('hex');
  /** How many started sandboxes the pool keeps ready. */
  readonly size: number;
  /** `docker` or `local`. */
  readonly kind: 'docker' | 'local';
  readonly #make: MemberFactory;
  readonly #signal: AbortSignal | undefined;
  readonly #members = new Set<PooledSandbox>();
  readonly #idle: PooledSandbox[] = [];
  /** Each starting sandbox, with its start (resolves with the error when it failed). */
  readonly #starting = new Map<PooledSandbox, Promise<unknown>>();
  readonly #waiters: Waiter[] = [];
  readonly #inUse = new Set<PooledSandbox>();
  /** The last start failed: start only for waiting `acquire()`s until one succeeds. */
  #failing = false;
  /** A start error no caller has seen yet (the next `acquire()` with nothing ready gets it). */
  #unreported: unknown;
  #closed = false;
  #closing: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  readonly #onAbort = () => void this.close();

  /**
   * @throws ConfigurationError for a bad pool option (`size`, `sandbox`, `signal`) or a bad
   *   option of the sandbox kind (the message `DockerEnvironment`/`LocalEnvironment` give).
   * @throws SandboxError when a local pool cannot run here (no `bwrap`, not Linux).
   */
  constructor(options: SandboxPoolOptions) {
    const resolved = resolvePoolOptions(options);
    this.size = resolved.size;
    this.kind = resolved.sandbox;
    this.#make =
      resolved.sandbox === 'docker'
        ? dockerMembers(resolved.docker, this.id)
        : localMembers(resolved.local);
    this.#signal = resolved.signal;
    if (this.#signal?.aborted) this.#closed = true;
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The label name and value of this pool's Docker sandboxes (for `docker ps --filter`). */
  get label(): { readonly name: string; readonly value: string } {
    return { name: POOL_LABEL, value: this.id };
  }

  /** How many sandboxes are ready, starting and in use. */
  get stats(): SandboxPoolStats {
    return { idle: this.#idle.length, starting: this.#starting.size, inUse: this.#inUse.size };
  }

  /** True once `close()` was called (or the pool's signal aborted). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Starts sandboxes until `size` are ready, and waits for them. Optional: `acquire()` starts the
   * pool too. Rejects with a start error no caller has seen yet, else with the first error of the
   * starts it waits for (the pool then starts again only when asked: `acquire()` or `start()`).
   */
  async start(): Promise<void> {
    this.#throwIfClosed();
    if (this.#unreported !== undefined) {
      const error = this.#unreported;
      this.#unreported = undefined;
      throw error;
    }
    // An explicit ask: after a failure too, start until `size` (each failure is reported here).
    this.#failing = false;
    this.#fill();
    const errors = await Promise.all(this.#starting.values());
    const failure = errors.find((error) => error !== undefined);
    if (failure !== undefined) {
      if (this.#unreported === failure) this.#unreported = undefined;
      throw failure;
    }
  }

  /**
   * A started sandbox for one task: one that is ready, or the next to finish starting. The pool
   * starts a replacement at once. Dispose the sandbox when the task ends (or use
   * {@link SandboxPool.use}); it is never handed out again.
   *
   * @throws SandboxError after `close()`, or the error of the start that was to give this call
   *   its sandbox; `signal`'s reason when it aborts the wait.
   */
  async acquire(options: { signal?: AbortSignal } = {}): Promise<PooledSandbox> {
    const checked = checkObject(options, 'acquire options', 'Pass { signal } or nothing.');
    checkKnownKeys(checked, 'acquire options', ['signal']);
    const signal =
      options.signal === undefined ? undefined : checkAbortSignal(options.signal, 'signal');
    this.#throwIfClosed();
    signal?.throwIfAborted();
    const ready = this.#idle.shift();
    if (ready) {
      this.#inUse.add(ready);
      this.#fill();
      return ready;
    }
    if (this.#unreported !== undefined) {
      const error = this.#unreported;
      this.#unreported = undefined;
      throw error;
    }
    return new Promise<PooledSandbox>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (sandbox) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(sandbox);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#fill();
    });
  }

  /**
   * Acquires a sandbox, runs `task` with it, and disposes the sandbox when `task` settles: one
   * sandbox per task, whatever the task does.
   */
  async use<T>(task: (sandbox: PooledSandbox) => Promise<T> | T): Promise<T> {
    const sandbox = await this.acquire();
    try {
      return await task(sandbox);
    } finally {
      await sandbox.dispose();
    }
  }

  /**
   * Removes every sandbox the pool made (ready, starting, and in use: close the pool after its
   * tasks), rejects the `acquire()`s that wait. Idempotent; never throws.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #throwIfClosed(): void {
    if (this.#closed) {
      throw new SandboxError(
        'This SandboxPool was closed (close() or its signal); create a new SandboxPool to start sandboxes again.',
      );
    }
  }

  /** Starts sandboxes until `size` are ready or starting (while failing: one per waiter). */
  #fill(): void {
    if (this.#closed) return;
    const room = this.size - this.#idle.length - this.#starting.size;
    const wanted = this.#failing
      ? Math.min(room, this.#waiters.length - this.#starting.size)
      : room;
    for (let index = 0; index < wanted; index += 1) this.#startOne();
  }

  #startOne(): void {
    this.#unregister ??= registerCleanup({
      description: `sandbox pool ${this.id}`,
      // The sandboxes' own entries remove the started ones synchronously; one still being made
      // has nothing to remove yet: then close() (async, with the registry's deadline) waits for
      // its start and removes it.
      cleanupSync: () => {
        this.#closed = true;
        return this.#starting.size === 0;
      },
      cleanupAsync: () => this.close(),
    });
    const sandbox = this.#make(() => this.#forget(sandbox));
    this.#members.add(sandbox);
    const started = sandbox.start().then(
      () => {
        this.#started(sandbox);
        return undefined;
      },
      (error: unknown) => {
        this.#failed(sandbox, error);
        return error ?? new SandboxError('A sandbox of the pool failed to start.');
      },
    );
    this.#starting.set(sandbox, started);
  }

  #started(sandbox: PooledSandbox): void {
    this.#starting.delete(sandbox);
    if (this.#closed) return; // close() disposes it
    this.#failing = false;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#inUse.add(sandbox);
      waiter.resolve(sandbox);
    } else {
      this.#idle.push(sandbox);
    }
    this.#fill();
  }

  #failed(sandbox: PooledSandbox, error: unknown): void {
    this.#starting.delete(sandbox);
    // The lifecycle has released what the failed start made; dispose marks it gone.
    void sandbox.dispose();
    if (this.#closed) return;
    this.#failing = true;
    const waiter = this.#waiters.shift();
    if (waiter) waiter.reject(error);
    else this.#unreported = error;
    this.#fill();
  }

  /** A sandbox was disposed (by its user, by `close()`, after a failed start). */
  #forget(sandbox: PooledSandbox): void {
    this.#members.delete(sandbox);
    this.#inUse.delete(sandbox);
    const index = this.#idle.indexOf(sandbox);
    if (index !== -1) this.#idle.splice(index, 1);
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const closedError = new SandboxError(
      'The SandboxPool was closed while this acquire() waited for a sandbox.',
    );
    for (const waiter of this.#waiters.splice(0)) waiter.reject(closedError);
    await Promise.all([...this.#members].map((sandbox) => sandbox.dispose()));
    this.#idle.length = 0;
    this.#unregister?.();
    this.#unregister = undefined;
  }
}
