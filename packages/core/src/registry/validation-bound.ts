import { AbortError, PluginError } from '../errors';
import type { WorkResult } from '../types';
import { formatDuration } from '../util/duration';
import { normalizeResult } from './normalize';

export interface ValidationBound {
  /** `work.timeout`: it covers the executor's validation too. */
  timeoutMs: number | undefined;
  /** The registry's own bound of one `validate`. */
  validateTimeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Waits for an executor's asynchronous `validate`, never forever: `work.timeout` passing resolves with
 * its duration (the work then times out without running), the registry's bound passing is a
 * `PluginError`, and the caller's signal an `AbortError`.
 */
export function boundedValidation(
  validating: Promise<void>,
  pluginName: string,
  bound: ValidationBound,
): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const done = () => {
      for (const timer of timers) clearTimeout(timer);
      bound.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(
        new AbortError('the work was cancelled while the executor validated it', {
          cause: bound.signal?.reason,
        }),
      );
    };
    const { timeoutMs, validateTimeoutMs } = bound;
    if (timeoutMs !== undefined && timeoutMs <= validateTimeoutMs)
      timers.push(
        setTimeout(() => {
          done();
          resolve(timeoutMs);
        }, timeoutMs),
      );
    else
      timers.push(
        setTimeout(() => {
          done();
          const why = new Error(`validate() did not finish within ${formatDuration(validateTimeoutMs)}`);
          reject(new PluginError(pluginName, 'validate', why));
        }, validateTimeoutMs),
      );
    if (bound.signal?.aborted) return onAbort();
    bound.signal?.addEventListener('abort', onAbort, { once: true });
    validating.then(
      () => {
        done();
        resolve(undefined);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/** The result of a work whose `timeout` passed while its executor was still validating it. */
export function timedOutWhileValidating(timeoutMs: number, pluginName: string): WorkResult {
  const error = `timed out after ${formatDuration(timeoutMs)} (while the executor validated the work; nothing ran)`;
  const result = normalizeResult(
    { success: false, outputs: {}, logs: [], metrics: {}, error },
    pluginName,
    Date.now() - timeoutMs,
    timeoutMs,
  );
  result.metrics.timedOut = true;
  return result;
}
