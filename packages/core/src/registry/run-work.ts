import { AbortError, PluginError, TimeoutError, UbomError } from '../errors';
import type { Masker } from '../secrets/masker';
import type { EnhancedWorkExecutor, ExecuteOptions, LogEntry, Work, WorkContext, WorkResult } from '../types';
import { formatDuration } from '../util/duration';
import { normalizeResult } from './normalize';

export interface RunSettings {
  executor: EnhancedWorkExecutor;
  pluginName: string;
  masker: Masker | undefined;
  timeoutMs: number | undefined;
  /** How long an executor may take to settle once its signal aborted before it is abandoned. */
  abortGraceMs: number;
}

const TAIL = 1000;

/** Runs one validated work: timeout, cancellation, secret masking and result checks. */
export async function runWork(work: Work, context: WorkContext, options: ExecuteOptions, s: RunSettings): Promise<WorkResult> {
  const outer = options.signal;
  if (outer?.aborted) throw new AbortError('the work was cancelled before it started', { cause: outer.reason });
  const startedAt = Date.now();
  const t0 = performance.now();
  const { masker, timeoutMs } = s;

  // Fast path: nothing to enforce, nothing to mask, nothing to cancel.
  if (timeoutMs === undefined && !masker && !outer) {
    try {
      const value = await s.executor.execute(work, context, options);
      return normalizeResult(value, s.pluginName, startedAt, performance.now() - t0);
    } catch (error) {
      throw asUbomError(error, s.pluginName);
    }
  }

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined) {
    timer = setTimeout(() => controller.abort(new TimeoutError(`timed out after ${formatDuration(timeoutMs)}`, timeoutMs)), timeoutMs);
  }
  const tail: LogEntry[] = [];
  const onLog = options.onLog;
  const forward = (entry: LogEntry): void => {
    const shown = masker ? maskEntry(entry, masker) : entry;
    if (tail.length === TAIL) tail.shift();
    tail.push(shown);
    onLog?.(shown);
  };

  let outcome: { value: unknown } | { error: unknown };
  try {
    const running = s.executor.execute(work, context, { signal: controller.signal, onLog: forward });
    outcome = await settleOrAbandon(running, controller.signal, s.abortGraceMs);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
  const durationMs = performance.now() - t0;
  const reason: unknown = controller.signal.reason;
  const timedOut = controller.signal.aborted && reason instanceof TimeoutError && !outer?.aborted;

  if (timedOut) {
    const base = 'value' in outcome && isResultLike(outcome.value) ? outcome.value : { success: false, outputs: {}, logs: tail, metrics: {} };
    const result = normalizeResult({ ...base, success: false, error: `${reason.message.replace(/^\[ubom\] /, '')}${abandonNote(outcome)}` }, s.pluginName, startedAt, durationMs);
    result.metrics.timedOut = true;
    return masker ? masker.deep(result) : result;
  }
  if (outer?.aborted) {
    const error = 'error' in outcome && outcome.error instanceof AbortError ? outcome.error : new AbortError(`the work was cancelled${abandonNote(outcome)}`, { cause: outer.reason });
    throw masker ? masker.error(error) : error;
  }
  if ('error' in outcome) {
    const error = asUbomError(outcome.error, s.pluginName);
    throw masker ? masker.error(error) : error;
  }
  const result = normalizeResult(outcome.value, s.pluginName, startedAt, durationMs);
  return masker ? masker.deep(result) : result;
}

const ABANDONED = Symbol('abandoned');

async function settleOrAbandon(
  running: Promise<WorkResult>,
  signal: AbortSignal,
  graceMs: number,
): Promise<{ value: unknown } | { error: unknown }> {
  const settled = running.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<{ error: unknown }>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve({ error: ABANDONED }), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([settled, abandoned]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

const abandonNote = (outcome: { value: unknown } | { error: unknown }): string =>
  'error' in outcome && outcome.error === ABANDONED ? ' (the executor did not stop in time and was abandoned)' : '';

const isResultLike = (v: unknown): v is WorkResult => typeof v === 'object' && v !== null && typeof (v as WorkResult).success === 'boolean';

function maskEntry(entry: LogEntry, masker: Masker): LogEntry {
  const masked: LogEntry = { ...entry, message: masker.string(entry.message) };
  if (entry.fields) masked.fields = masker.deep(entry.fields);
  return masked;
}

export function asUbomError(error: unknown, pluginName: string): UbomError {
  return error instanceof UbomError ? error : new PluginError(pluginName, 'execute', error);
}
