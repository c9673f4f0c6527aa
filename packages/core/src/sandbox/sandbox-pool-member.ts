import type { CommandResult, Environment, ExecuteOptions } from '../environment.js';
import { DockerBackend } from './docker-backend.js';
import type { DockerSettings } from './docker-environment-options.js';
import { LocalEnvironment, type LocalEnvironmentOptions } from './local-environment.js';
import { SandboxLifecycle } from './sandbox-lifecycle.js';

/**
 * The label that ties a pool's containers (and volumes) to their pool: `bots.pool=<pool id>`,
 * beside the owner labels every sandbox carries (`docker-owner-labels.ts`), so that
 * `removeStale()` finds what a killed process's pool left like any other sandbox's.
 */
export const POOL_LABEL = 'bots.pool';

/** What the pool drives of one sandbox; `SandboxLifecycle` and `LocalEnvironment` both are. */
type SandboxParts = Pick<Environment, 'start' | 'execute' | 'copyIn' | 'dispose'>;

/**
 * A started sandbox handed out by a `SandboxPool`, for one task: pass it as a bot's
 * `environment`, and dispose it when the task ends (the bot never disposes an environment it is
 * given). `dispose()` removes it (container, volumes, folders); it never goes back to the pool,
 * so nothing one task left is seen by the next.
 */
export class PooledSandbox implements Environment, AsyncDisposable {
  /** `docker` or `local`. */
  readonly kind: 'docker' | 'local';
  /** Things the caller should know: fallbacks taken, limits not applied. */
  readonly notes: readonly string[];
  readonly #parts: SandboxParts;
  readonly #containerId: () => string | undefined;
  readonly #onDisposed: () => void;
  #disposing: Promise<void> | undefined;

  /** @internal Made by `SandboxPool` only. */
  constructor(input: {
    kind: 'docker' | 'local';
    parts: SandboxParts;
    notes: readonly string[];
    containerId: () => string | undefined;
    onDisposed: () => void;
  }) {
    this.kind = input.kind;
    this.#parts = input.parts;
    this.notes = input.notes;
    this.#containerId = input.containerId;
    this.#onDisposed = input.onDisposed;
  }

  /** The container's id (Docker sandboxes). */
  get containerId(): string | undefined {
    return this.#containerId();
  }

  /** Already started when acquired: resolves at once (it is part of the `Environment` contract). */
  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#parts.start(options);
  }

  execute(command: string, options: ExecuteOptions = {}): Promise<CommandResult> {
    return this.#parts.execute(command, options);
  }

  copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    return this.#parts.copyIn(hostPath, sandboxPath);
  }

  /** Removes the sandbox and everything it made. Idempotent; never throws. */
  dispose(): Promise<void> {
    this.#disposing ??= this.#parts.dispose().finally(this.#onDisposed);
    return this.#disposing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** How a pool makes the sandboxes of its kind, each new and not started. */
export type MemberFactory = (onDisposed: () => void) => PooledSandbox;

/**
 * A Docker sandbox of the pool: what `DockerEnvironment` is made of (`DockerBackend` under a
 * `SandboxLifecycle`), with the pool's label added to the checked settings. The environment's
 * `signal` is never passed on: the pool's own signal closes the pool.
 */
export function dockerMembers(settings: DockerSettings, poolId: string): MemberFactory {
  const labelled: DockerSettings = {
    ...settings,
    labels: { ...settings.labels, [POOL_LABEL]: poolId },
    signal: undefined,
  };
  return (onDisposed) => {
    const notes: string[] = [];
    const backend = new DockerBackend(labelled, notes);
    return new PooledSandbox({
      kind: 'docker',
      parts: new SandboxLifecycle(backend),
      notes,
      containerId: () => backend.containerId,
      onDisposed,
    });
  };
}

/**
 * A local sandbox of the pool: a `LocalEnvironment` of the options (checked once when the factory
 * is made, so a bad option fails at the pool's construction).
 */
export function localMembers(options: Omit<LocalEnvironmentOptions, 'signal'>): MemberFactory {
  const make = () => new LocalEnvironment({ ...options });
  make();
  return (onDisposed) => {
    const environment = make();
    return new PooledSandbox({
      kind: 'local',
      parts: environment,
      notes: environment.notes,
      containerId: () => undefined,
      onDisposed,
    });
  };
}
