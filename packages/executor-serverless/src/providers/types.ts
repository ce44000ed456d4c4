import type { LogCollector } from '@ubom/core';
import type { InvokeOutcome } from '../result';
import type { SecretBook } from '../secrets';

/** One invocation handed to a provider driver. */
export interface InvokeRequest<C> {
  config: C;
  /** The JSON sent to the function. */
  payload: unknown;
  /** Aborts when the caller cancels or the work's own `timeout` passes. */
  signal: AbortSignal;
  /** The work's own timeout in ms, and when it ends (`performance.now()` clock). */
  timeoutMs: number;
  deadline: number;
  logs: LogCollector;
  /** Where a provider records credentials it obtains (fetched keys, tokens) so results mask them. */
  secrets: SecretBook;
}

/** A provider: invokes functions, caches its SDK clients, closes them on shutdown. */
export interface ProviderDriver<C> {
  invoke(request: InvokeRequest<C>): Promise<InvokeOutcome>;
  close(): Promise<void>;
}

/** setTimeout's limit (~24.8 days): longer delays would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds left before `deadline`, between 1 and what a timer can hold (SDKs arm timers with it). */
export const remaining = (deadline: number): number =>
  Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(deadline - performance.now())));

/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as `signal` aborts (calling `onAbort`
 * first, to cancel the underlying call). A late rejection of `promise` is handled, never unhandled.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(signal.reason);
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
