import { spawnSync } from 'node:child_process';
import { findExecutable } from './find-executable.js';

/**
 * Removing a container, for the sandboxes and the browser tool's runner: through the engine's
 * API (waiting until the engine no longer has it), or at process exit through the `docker` CLI,
 * which works synchronously.
 */

/** The part of a dockerode container that removing it uses (any `docker.getContainer(id)`). */
export interface RemovableContainer {
  readonly id: string;
  remove(options: { force: boolean; v?: boolean }): Promise<unknown>;
  inspect(): Promise<unknown>;
}

/** Options of {@link removeContainer} and {@link removeContainerNow}. */
export interface ContainerRemovalOptions {
  /** Also remove the container's anonymous volumes (`docker rm -v`). Default false. */
  volumes?: boolean;
  /**
   * When the engine's API refuses, try the `docker` CLI (which talks to `DOCKER_HOST`: leave it
   * false for a client of another engine). Default false.
   */
  cli?: boolean;
}

const CLI_TIMEOUT_MS = 20_000;
const GONE_POLLS = 100;
const GONE_POLL_MS = 100;

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/**
 * Removes a container synchronously with the `docker` CLI (`docker rm -f`), for process exit.
 * Returns true when the CLI removed it; false when there is no CLI on PATH or it failed (the
 * container may already be gone).
 */
export function removeContainerNow(id: string, options: ContainerRemovalOptions = {}): boolean {
  const cli = findExecutable('docker');
  if (!cli) return false;
  try {
    const result = spawnSync(cli, ['rm', '-f', ...(options.volumes ? ['-v'] : []), id], {
      stdio: 'ignore',
      timeout: CLI_TIMEOUT_MS,
    });
    return result.status === 0;
  } catch {
    return false;
  }
}

const removals = new WeakMap<RemovableContainer, Promise<void>>();

/**
 * Removes a container (forced) and resolves once the engine no longer has it. Concurrent calls
 * for the same container object share one removal; a removal already in progress (409) is
 * waited for; one that is already gone (404) is done. Never rejects: a container the engine
 * keeps refusing to remove is left to the next process's removal of stale sandboxes.
 */
export function removeContainer(
  container: RemovableContainer,
  options: ContainerRemovalOptions = {},
): Promise<void> {
  let removal = removals.get(container);
  if (!removal) {
    removal = (async () => {
      try {
        await container.remove({ force: true, ...(options.volumes ? { v: true } : {}) });
      } catch (error) {
        const status = statusCode(error);
        if (status === 404) return;
        if (status !== 409 && !(options.cli && removeContainerNow(container.id, options))) {
          throw error;
        }
      }
      for (let poll = 0; poll < GONE_POLLS; poll++) {
        try {
          await container.inspect();
        } catch (error) {
          if (statusCode(error) === 404) return;
        }
        await new Promise((resolve) => setTimeout(resolve, GONE_POLL_MS));
      }
    })().catch(() => undefined);
    removals.set(container, removal);
  }
  return removal;
}
