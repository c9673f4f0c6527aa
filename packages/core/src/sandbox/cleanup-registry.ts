/**
 * One process-wide registry of live sandboxes, so that a Ctrl-C, a SIGTERM or a plain
 * `process.exit()` does not leave containers, cgroups or temporary folders behind.
 *
 * Listeners are added when the first sandbox registers and removed when the last one is
 * unregistered. On a signal every entry is cleaned (synchronously where it can, else
 * asynchronously with a deadline); then, if no other listener handles that signal, the signal is
 * raised again so the process ends the way it would have without us.
 */

/** What a sandbox leaves behind and how to remove it when the process ends. */
export interface CleanupEntry {
  /** Short description for debugging, e.g. `docker container 1a2b3c`. */
  readonly description: string;
  /** Removes everything synchronously. Returns false if it could not (then `async` is used). */
  cleanupSync(): boolean;
  /** Removes everything asynchronously (used on signals when `cleanupSync` returned false). */
  cleanupAsync(): Promise<void>;
}

const HANDLED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const ASYNC_DEADLINE_MS = 8_000;

const entries = new Set<CleanupEntry>();
let installed = false;
let exiting = false;

function onExit(): void {
  for (const entry of [...entries]) {
    entries.delete(entry);
    try {
      entry.cleanupSync();
    } catch {
      // The process is ending; nothing left to report to.
    }
  }
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (exiting) return;
  exiting = true;
  const pending: Promise<void>[] = [];
  for (const entry of [...entries]) {
    entries.delete(entry);
    let done = false;
    try {
      done = entry.cleanupSync();
    } catch {
      done = false;
    }
    if (!done) pending.push(entry.cleanupAsync().catch(() => undefined));
  }
  if (pending.length > 0) {
    await Promise.race([
      Promise.all(pending),
      new Promise((resolve) => setTimeout(resolve, ASYNC_DEADLINE_MS).unref()),
    ]);
  }
  uninstall();
  exiting = false;
  // Someone else also listens: they decide whether the process ends.
  if (process.listenerCount(signal) > 0) return;
  process.kill(process.pid, signal);
}

const signalListeners = new Map<NodeJS.Signals, () => void>(
  HANDLED_SIGNALS.map((signal) => [signal, () => void onSignal(signal)]),
);

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const [signal, listener] of signalListeners) process.on(signal, listener);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const [signal, listener] of signalListeners) process.off(signal, listener);
}

/**
 * Registers a sandbox's leftovers for removal at process exit or on SIGINT/SIGTERM/SIGHUP.
 * Returns the function that unregisters it (call it after a normal `dispose()`).
 */
export function registerCleanup(entry: CleanupEntry): () => void {
  entries.add(entry);
  install();
  return () => {
    entries.delete(entry);
    if (entries.size === 0 && !exiting) uninstall();
  };
}

/** Number of registered entries and whether the process listeners are installed (for tests). */
export function cleanupRegistryState(): { entries: number; listening: boolean } {
  return { entries: entries.size, listening: installed };
}
