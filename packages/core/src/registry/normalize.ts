import { PluginError } from '../errors';
import type { ExecutionMetrics, WorkResult } from '../types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Has the one field every result must have: what `normalizeResult` accepts. */
export const isResultLike = (v: unknown): v is WorkResult => isRecord(v) && typeof v.success === 'boolean';

/**
 * Checks an executor's result and fills what the contract promises (metrics, arrays) without copying
 * on the common path: a well-formed result is returned as is. A result the executor froze is repaired
 * on a copy.
 */
export function normalizeResult(
  value: unknown,
  pluginName: string,
  startedAt: number,
  durationMs: number,
): WorkResult {
  if (!isResultLike(value)) {
    throw new PluginError(
      pluginName,
      'execute',
      new TypeError('execute() did not resolve with a WorkResult'),
    );
  }
  const result = value;
  try {
    return fill(result, startedAt, durationMs);
  } catch {
    const metrics = isRecord(result.metrics) ? { ...result.metrics } : {};
    return fill({ ...result, metrics } as WorkResult, startedAt, durationMs);
  }
}

function fill(result: WorkResult, startedAt: number, durationMs: number): WorkResult {
  if (!isRecord(result.outputs)) result.outputs = {};
  if (!Array.isArray(result.logs)) result.logs = [];
  if (!isRecord(result.metrics)) result.metrics = {} as ExecutionMetrics;
  const m = result.metrics as Partial<ExecutionMetrics>;
  if (typeof m.startedAt !== 'string') m.startedAt = new Date(startedAt).toISOString();
  if (typeof m.durationMs !== 'number') m.durationMs = Math.round(durationMs * 1000) / 1000;
  if (typeof m.finishedAt !== 'string') m.finishedAt = new Date(startedAt + m.durationMs).toISOString();
  if (typeof m.attempts !== 'number') m.attempts = 1;
  if (!result.success && typeof result.error !== 'string') result.error = 'the work failed';
  return result;
}
