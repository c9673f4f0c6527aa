import type { CommandResult, ExecuteOptions } from '../environment.js';
import { registerCleanup } from './cleanup-registry.js';
import { SandboxError } from './errors.js';
import type { SandboxBackend } from './sandbox-backend.js';
import { ShellSession } from './shell-session.js';
import { waitForStart } from './wait-for-start.js';

/**
 * The one lifecycle of every sandbox, over a {@link SandboxBackend}: the sandbox is made once,
 * at the first `start` (concurrent callers share that start; a caller's signal that aborts
 * during it disposes the sandbox), commands run in one persistent {@link ShellSession}, and
 * `dispose` (also on the environment's `signal`, at process exit and on SIGINT/SIGTERM/SIGHUP
 * through the cleanup registry) releases everything once. A start that fails releases what it
 * made before the error reaches the caller; after a dispose, every call fails with a
 * `SandboxError` that says to create a new sandbox.
 */
export class SandboxLifecycle {
  readonly #backend: SandboxBackend;
  readonly #signal: AbortSignal | undefined;
  readonly #stopping = new AbortController();
  #session: ShellSession | undefined;
  /** The backend's own start, which a dispose waits for before it releases. */
  #run: Promise<void> | undefined;
  /** The start callers wait for: the run, and on failure the dispose that follows it. */
  #starting: Promise<void> | undefined;
  #started = false;
  #unregister: (() => void) | undefined;
  #disposed = false;
  #disposing: Promise<void> | undefined;
  readonly #onAbort = () => void this.dispose();

  /** `signal`: disposes the sandbox when it aborts. */
  constructor(backend: SandboxBackend, signal?: AbortSignal) {
    this.#backend = backend;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Makes the sandbox and starts its shell, once; later calls wait for that start. */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#disposed) throw this.#disposedError();
    if (this.#started) return;
    if (!this.#starting) {
      const run = this.#start();
      this.#run = run;
      this.#starting = run.catch(async (error: unknown) => {
        this.#starting = undefined;
        await this.dispose();
        throw error;
      });
    }
    await waitForStart(this.#starting, options.signal, () => void this.dispose());
  }

  /** Runs one command in the persistent shell (starting the sandbox first if needed). */
  async execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    await this.start({ signal: options.signal });
    const session = this.#session;
    if (!session) throw this.#disposedError();
    return session.run(command, options);
  }

  /** Copies a host file or folder into the sandbox (starting it first if needed). */
  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    await this.start();
    await this.#backend.copyIn(hostPath, sandboxPath);
  }

  /** Stops the shell and releases everything the sandbox made. Idempotent; never throws. */
  dispose(): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  #disposedError(): SandboxError {
    return new SandboxError(`This ${this.#backend.name} was disposed; create a new one.`);
  }

  async #start(): Promise<void> {
    const backend = this.#backend;
    this.#unregister ??= registerCleanup({
      description: backend.description,
      cleanupSync: () => backend.releaseNow(),
      cleanupAsync: () => backend.release(),
    });
    await backend.create(this.#stopping.signal);
    // Disposed meanwhile: no shell to start (the dispose waits for this run, then releases).
    if (this.#disposed) return;
    const session = new ShellSession({
      ...backend.shell,
      start: () => backend.spawnShell(),
    });
    this.#session = session;
    try {
      await session.ensureStarted();
    } catch (error) {
      throw backend.explainStartFailure ? backend.explainStartFailure(error) : error;
    }
    await backend.settle?.();
    this.#started = true;
  }

  async #dispose(): Promise<void> {
    this.#disposed = true;
    this.#stopping.abort();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    // The run, not `#starting`: a start that fails now disposes, and must not wait for itself.
    await this.#run?.catch(() => undefined);
    await this.#session?.close().catch(() => undefined);
    this.#session = undefined;
    await this.#backend.release();
    this.#unregister?.();
    this.#unregister = undefined;
  }
}
