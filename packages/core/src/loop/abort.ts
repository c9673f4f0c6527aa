/**
 * Settles like `promise`, or rejects with the signal's reason as soon as the signal aborts, even
 * when the promise never settles (a model or sandbox that ignores its signal cannot hang a run).
 */
export function raceSignal<T>(run: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let promise: Promise<T>;
  try {
    promise = Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A controller that aborts when `parent` aborts (with the parent's reason); `release` unlinks it. */
export function childController(parent: AbortSignal): {
  controller: AbortController;
  release: () => void;
} {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener('abort', onAbort) };
}
