import { PluginError } from '../errors';
import type { ExecutionMetrics, WorkResult } from '../types';

/**
 * Checks an executor's result and fills what the contract promises (metrics, arrays) without copying
 * on the common path: a well-formed result is returned as is.
 */
export function normalizeResult(
  value: unknown,
  pluginName: string,
  startedAt: number,
  durationMs: number,
): WorkResult {
  if (value === null || typeof value !== 'object' || typeof (value as WorkResult).success !== 'boolean') {
    throw new PluginError(
      pluginName,
      'execute',
      new TypeError('execute() did not resolve with a WorkResult'),
    );
  }
  const result = value as WorkResult;
  if (result.outputs === null || typeof result.outputs !== 'object') result.outputs = {};
  if (!Array.isArray(result.logs)) result.logs = [];
  const m = (result.metrics ?? {}) as Partial<ExecutionMetrics>;
  if (typeof m.startedAt !== 'string') m.startedAt = new Date(startedAt).toISOString();
  if (typeof m.durationMs !== 'number') m.durationMs = Math.round(durationMs * 1000) / 1000;
  if (typeof m.finishedAt !== 'string') m.finishedAt = new Date(startedAt + m.durationMs).toISOString();
  if (typeof m.attempts !== 'number') m.attempts = 1;
  result.metrics = m as ExecutionMetrics;
  if (!result.success && typeof result.error !== 'string') result.error = 'the work failed';
  return result;
}
