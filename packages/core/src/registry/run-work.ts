import { AbortError, TimeoutError } from '../errors';
import type { Masker } from '../secrets/masker';
import type { EnhancedWorkExecutor, ExecuteOptions, LogEntry, Work, WorkContext, WorkResult } from '../types';
import { formatDuration } from '../util/duration';
import { toPluginError } from './guard';
import { isResultLike, normalizeResult } from './normalize';

export interface RunSettings {
  executor: EnhancedWorkExecutor;
  pluginName: string;
  masker: Masker | undefined;
  timeoutMs: number | undefined;
  /** Time `work.timeout` already spent before the run (the executor's `validate`). */
  spentMs: number;
  /** How long an executor may take to settle once its signal aborted before it is abandoned. */
  abortGraceMs: number;
}

type Outcome = { value: unknown } | { error: unknown };

const TAIL = 1000;
const ABANDONED = Symbol('abandoned');

/** Calls an executor method; a synchronous throw or a plain value becomes a promise like any other. */
function invoke<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A consumer's `onLog` that throws must not fail the work. */
const safe =
  (onLog: (entry: LogEntry) => void) =>
  (entry: LogEntry): void => {
    try {
      onLog(entry);
    } catch {
      // a consumer's bug is not the work's failure
    }
  };

/** Runs one validated work: timeout, cancellation, secret masking and result checks. */
export async function runWork(
  work: Work,
  context: WorkContext,
  options: ExecuteOptions,
  s: RunSettings,
): Promise<WorkResult> {
  const outer = options.signal;
  if (outer?.aborted) {
    const error = new AbortError('the work was cancelled before it started', { cause: outer.reason });
    throw s.masker ? s.masker.error(error) : error;
  }
  const startedAt = Date.now();
  const t0 = performance.now();
  const { masker, timeoutMs } = s;

  // Fast path: nothing to enforce, nothing to mask, nothing to cancel.
  if (timeoutMs === undefined && !masker && !outer) {
    try {
      const value = await s.executor.execute(
        work,
        context,
        options.onLog ? { ...options, onLog: safe(options.onLog) } : options,
      );
      return normalizeResult(value, s.pluginName, startedAt, performance.now() - t0);
    } catch (error) {
      throw toPluginError(s.pluginName, 'execute', error);
    }
  }

  const abort = new AbortState(outer, timeoutMs, s.spentMs, s.abortGraceMs);
  const tail: LogEntry[] = [];
  const onLog = options.onLog && safe(options.onLog);
  // Entries are kept for a timed-out result when the executor could not return its own.
  const keepTail = timeoutMs !== undefined;
  let open = true;
  const forward =
    !onLog && !keepTail
      ? undefined
      : (entry: LogEntry): void => {
          if (!open) return; // an abandoned executor may go on logging: its work is over
          const shown = masker ? maskEntry(entry, masker) : entry;
          if (keepTail) {
            if (tail.length === TAIL) tail.shift();
            tail.push(shown);
          }
          onLog?.(shown);
        };
  let outcome: Outcome;
  try {
    outcome = await abort.settle(invoke(() => s.executor.execute(work, context, abort.options(forward))));
  } finally {
    open = false;
    abort.dispose();
  }
  const durationMs = performance.now() - t0;

  if (abort.reason instanceof TimeoutError && !outer?.aborted) {
    // finished before the timeout took effect (the executor resolved success): reported as it finished
    if ('value' in outcome && isResultLike(outcome.value) && outcome.value.success === true) {
      const result = normalizeResult(outcome.value, s.pluginName, startedAt, durationMs);
      return masker ? masker.deep(result) : result;
    }
    const base =
      'value' in outcome && isResultLike(outcome.value)
        ? outcome.value
        : { success: false, outputs: {}, logs: tail, metrics: {} };
    const error = `${abort.reason.message.replace(/^\[ubom\] /, '')}${abandonNote(outcome)}`;
    const result = normalizeResult({ ...base, success: false, error }, s.pluginName, startedAt, durationMs);
    result.metrics.timedOut = true;
    return masker ? masker.deep(result) : result;
  }
  if (outer?.aborted) {
    const error =
      'error' in outcome && outcome.error instanceof AbortError
        ? outcome.error
        : new AbortError(`the work was cancelled${abandonNote(outcome)}`, { cause: outer.reason });
    throw masker ? masker.error(error) : error;
  }
  if ('error' in outcome) {
    const error = toPluginError(s.pluginName, 'execute', outcome.error);
    throw masker ? masker.error(error) : error;
  }
  const result = normalizeResult(outcome.value, s.pluginName, startedAt, durationMs);
  return masker ? masker.deep(result) : result;
}

/**
 * The abort side of one run. The executor's signal is the caller's when there is no timeout; with a
 * timeout it is our own, created only when the executor reads `options.signal` (it costs ~2 µs).
 * Once aborted, the executor has `graceMs` to settle before it is abandoned.
 */
class AbortState {
  reason: unknown;
  #aborted = false;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #grace: NodeJS.Timeout | undefined;
  #abandon: (() => void) | undefined;
  readonly #outer: AbortSignal | undefined;
  readonly #own: boolean;
  readonly #graceMs: number;

  constructor(
    outer: AbortSignal | undefined,
    timeoutMs: number | undefined,
    spentMs: number,
    graceMs: number,
  ) {
    this.#outer = outer;
    this.#own = timeoutMs !== undefined;
    this.#graceMs = graceMs;
    // the state itself listens (`handleEvent`): no closure per work on this hot path
    outer?.addEventListener('abort', this, { once: true });
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(
        () => this.#abort(new TimeoutError(`timed out after ${formatDuration(timeoutMs)}`, timeoutMs)),
        Math.max(0, timeoutMs - spentMs),
      );
    }
  }

  options(onLog: ((entry: LogEntry) => void) | undefined): ExecuteOptions {
    const options: ExecuteOptions = {};
    if (this.#own) {
      Object.defineProperty(options, 'signal', { enumerable: true, get: () => this.#signal() });
    } else if (this.#outer) options.signal = this.#outer;
    if (onLog) options.onLog = onLog;
    return options;
  }

  /** One promise for the outcome: the executor settling, or the grace after an abort running out. */
  settle(running: Promise<WorkResult>): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      running.then(
        (value) => resolve({ value }),
        (error: unknown) => resolve({ error }),
      );
      this.#abandon = () => resolve({ error: ABANDONED });
      if (this.#aborted) this.#startGrace();
    });
  }

  /** The caller's signal aborted (an `EventListenerObject`, see the constructor). */
  handleEvent(): void {
    this.#abort(this.#outer?.reason);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#grace);
    this.#outer?.removeEventListener('abort', this);
  }

  #signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  #abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    this.#startGrace();
  }

  #startGrace(): void {
    if (this.#abandon && !this.#grace) this.#grace = setTimeout(this.#abandon, this.#graceMs);
  }
}

const abandonNote = (outcome: Outcome): string =>
  'error' in outcome && outcome.error === ABANDONED
    ? ' (the executor did not stop in time and was abandoned)'
    : '';

function maskEntry(entry: LogEntry, masker: Masker): LogEntry {
  const masked: LogEntry = Object.assign({}, entry, { message: masker.string(entry.message) });
  if (entry.fields) masked.fields = masker.deep(entry.fields);
  return masked;
}
