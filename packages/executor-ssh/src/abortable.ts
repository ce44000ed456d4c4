/**
 * `promise`, or a rejection with the signal's reason once it has aborted and `graceMs` more have
 * passed: a server that stopped answering must not keep a cancelled work (or a shutdown) waiting for
 * a reply that never comes, while one that answers in time is still heard.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, graceMs = 0): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted && graceMs === 0) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (graceMs === 0) reject(signal.reason);
      else void delay(graceMs).then(() => reject(signal.reason));
    };
    if (signal.aborted) onAbort();
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

/** Resolves after `ms` without keeping the process alive. */
export const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
