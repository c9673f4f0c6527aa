/**
 * Waits for a sandbox's start, which may be shared by several callers. When the caller's signal
 * aborts first, `onAbort` runs (the sandbox disposes itself) and the wait rejects with the
 * signal's reason.
 */
export async function waitForStart(
  starting: Promise<void>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<void> {
  if (!signal) return starting;
  signal.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    starting.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
