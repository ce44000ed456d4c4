import type { ExecutionMetrics, LogEntry, WorkResult } from './types';

/** Measures one work: call `finish()` once it is over to get `ExecutionMetrics`. */
export class MetricsClock {
  readonly startedAt = new Date();
  readonly #t0 = performance.now();

  elapsedMs(): number {
    return performance.now() - this.#t0;
  }

  finish(extra: Record<string, unknown> = {}, attempts = 1): ExecutionMetrics {
    const durationMs = Math.round(this.elapsedMs() * 1000) / 1000;
    // Object.assign, not a spread: spreads are several times slower on Node 20's hot path
    return Object.assign({}, extra, {
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date(this.startedAt.getTime() + durationMs).toISOString(),
      durationMs,
      attempts,
    });
  }
}

export interface ResultParts {
  success: boolean;
  outputs?: Record<string, unknown>;
  logs?: LogEntry[];
  metrics: ExecutionMetrics;
  error?: string | undefined;
}

/** Builds a well-formed `WorkResult` (no `error` key on success). */
export function workResult(parts: ResultParts): WorkResult {
  const result: WorkResult = {
    success: parts.success,
    outputs: parts.outputs ?? {},
    logs: parts.logs ?? [],
    metrics: parts.metrics,
  };
  if (!parts.success) result.error = parts.error ?? 'the work failed';
  return result;
}
