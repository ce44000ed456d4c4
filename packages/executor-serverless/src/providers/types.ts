import type { LogLevel, LogSource, TraceCarrier } from '@ubom/core';
import type { Outcome } from '../mapping';

/** How long the work may run, and where that was set (for messages). */
export interface TimeLimit {
  ms: number;
  path: 'executor_config.timeout' | 'timeout';
}

/** One invocation handed to a provider driver. */
export interface InvokeRequest<C> {
  config: C;
  /** The JSON sent to the function. */
  payload: unknown;
  /** Aborts on cancel, shutdown, `executor_config.timeout` and `work.timeout` (the kernel decides which). */
  signal: AbortSignal;
  /** The shorter of `executor_config.timeout` and `work.timeout`, when either is given. */
  limit: TimeLimit | undefined;
  /** Only check the function can be called (`dryRun`): resolve it, get credentials, call nothing. */
  dryRun: boolean;
  /** W3C trace context for the function (`{}` when there is none or the work opted out). */
  trace: TraceCarrier;
  log(level: LogLevel, message: string, source?: LogSource): void;
  /** Registers a credential obtained while running (a fetched key, a token) so it is masked. */
  secret(value: string | undefined): void;
  /** Masks every secret known so far: what is quoted from an answer is masked before it is cut. */
  mask<T>(value: T): T;
}

/** A provider: invokes functions, caches its SDK clients, closes them on shutdown. */
export interface ProviderDriver<C> {
  invoke(request: InvokeRequest<C>): Promise<Outcome>;
  close(): Promise<void>;
}

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
