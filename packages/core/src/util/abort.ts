import { AbortError } from '../errors';

/** Throws the `AbortError` for an aborted signal (keeping its reason as `cause`). */
export function throwIfAborted(signal: AbortSignal | undefined, scope?: string): void {
  if (signal?.aborted) throw abortErrorFrom(signal, scope);
}

export function abortErrorFrom(signal: AbortSignal, scope?: string): AbortError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortError) return reason;
  return new AbortError('the work was cancelled', { cause: reason, ...(scope ? { scope } : {}) });
}

/** Resolves after `ms`, or rejects with `AbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortErrorFrom(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorFrom(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * When an abort `reason` is a timeout (the registry's `TimeoutError`, checked by `code` so a second copy
 * of core still counts), its duration in ms; `undefined` for any other reason (a cancel).
 */
export function timeoutOf(reason: unknown): number | undefined {
  if (!(reason instanceof Error) || (reason as { code?: unknown }).code !== 'TIMEOUT') return undefined;
  const ms = (reason as { timeoutMs?: unknown }).timeoutMs;
  return typeof ms === 'number' ? ms : 0;
}
