import { formatDuration, type LogEntry, type WorkResult } from '@ubom/core';

/** One log entry as a line: stdout as is, stderr marked, executor lines tagged with the work type. */
export function formatLog(entry: LogEntry, type: string): string {
  if (entry.source === 'stdout') return entry.message;
  if (entry.source === 'stderr') return `[stderr] ${entry.message}`;
  return `[${type}] ${entry.message}`;
}

/** `SUCCESS name (type) in 1.2s` / `FAILED …` plus the error and outputs, like `ubom run`. */
export function formatSummary(result: WorkResult, title: string): string {
  const head = result.success ? 'SUCCESS' : 'FAILED';
  const lines = [`${head} ${title} in ${formatDuration(result.metrics.durationMs)}`];
  if (result.error !== undefined) lines.push(`error: ${result.error}`);
  const outputs = Object.entries(result.outputs);
  if (outputs.length > 0) {
    lines.push('outputs:');
    for (const [key, value] of outputs) {
      const text = JSON.stringify(value) ?? String(value);
      lines.push(
        `  ${key}: ${text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
