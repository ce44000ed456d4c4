import { type LogCollector, type MetricsClock, type WorkResult, workResult } from '@ubom/core';
import type { SecretBook } from './secrets';

/** What every provider's invoke comes back with, before it becomes a `WorkResult`. */
export interface InvokeOutcome {
  /** The function ran (or was accepted) and did not report an error. */
  ok: boolean;
  /** Why it failed, when `ok` is false: the function's own error message. */
  error?: string;
  /** Provider outputs: `payload`, `status_code`, `executed_version`, `function_error`, `headers`, … */
  outputs: Record<string, unknown>;
  /** Provider figures merged into `metrics` (billed duration, bytes…). */
  metrics: Record<string, unknown>;
  /** SDK attempts, including retries of throttled calls. */
  attempts: number;
}

/** Parses a response body: JSON when it is JSON, else the text itself (`null` when empty). */
export function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A short single-line excerpt of a response body for an error message. */
export function excerpt(value: unknown, max = 300): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The outcome as a `WorkResult`, with the executor's own secrets masked out of everything. */
export function toWorkResult(
  outcome: InvokeOutcome,
  logs: LogCollector,
  clock: MetricsClock,
  secrets: SecretBook,
): WorkResult {
  const result = workResult({
    success: outcome.ok,
    outputs: outcome.outputs,
    logs: logs.entries(),
    // finish() spreads its argument into the metrics; Object.assign afterwards is much cheaper
    metrics: Object.assign(clock.finish({}, Math.max(1, outcome.attempts)), outcome.metrics),
    error: outcome.error,
  });
  return secrets.mask(result);
}

/** A failed result for a work that ran out of its own `timeout`. */
export function timedOutResult(
  message: string,
  logs: LogCollector,
  clock: MetricsClock,
  secrets: SecretBook,
): WorkResult {
  const result = workResult({
    success: false,
    logs: logs.entries(),
    metrics: clock.finish({ timedOut: true }),
    error: message,
  });
  return secrets.mask(result);
}
