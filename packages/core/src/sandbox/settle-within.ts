/**
 * `promise`, or a rejection with `Error('no answer within <milliseconds> ms')` when it has not
 * settled by then (for probes of a Docker engine that may never answer). The timer does not keep
 * the process alive.
 */
export function settleWithin<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${milliseconds} ms`)),
      milliseconds,
    );
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
