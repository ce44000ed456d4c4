import {
  formatDuration,
  type LogCollector,
  lastLines,
  type Masker,
  type MetricsClock,
  type WorkResult,
  workResult,
} from '@ubom/core';
import type { ProcessConfig } from './config';
import { JSON_TAIL_BYTES, type RunOutcome } from './run-process';

/** `outputs.result` for `output: "json"`: the last non-empty stdout line, parsed. */
function parseJsonResult(outcome: RunOutcome, masker: Masker): { result: unknown } | { error: string } {
  const tail = outcome.jsonTail?.toString() ?? '';
  const trimmed = tail.replace(/\s+$/, '');
  const cut = trimmed.lastIndexOf('\n');
  if (trimmed.length === 0) return { error: 'output is "json" but the command printed nothing on stdout' };
  if (cut === -1 && outcome.jsonTail?.truncated) {
    return {
      error: `output is "json" but the last stdout line is longer than ${JSON_TAIL_BYTES / 1024 / 1024} MiB`,
    };
  }
  const line = trimmed.slice(cut + 1).trim();
  try {
    return { result: JSON.parse(line) };
  } catch (error) {
    const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
    return {
      error: masker.string(
        `output is "json" but the last stdout line is not JSON (${(error as Error).message}): ${shown}`,
      ),
    };
  }
}

function failure(outcome: RunOutcome, timeoutMs: number | undefined, stderr: string): string | undefined {
  if (outcome.stoppedBy === 'timeout') return `timed out after ${formatDuration(timeoutMs ?? 0)}`;
  const detail = lastLines(stderr);
  const suffix = detail ? `: ${detail}` : '';
  if (outcome.signal) return `the command was killed by ${outcome.signal}${suffix}`;
  if (outcome.exitCode !== 0) return `the command exited with code ${outcome.exitCode}${suffix}`;
  return undefined;
}

export interface MappingContext {
  config: ProcessConfig;
  timeoutMs: number | undefined;
  clock: MetricsClock;
  logs: LogCollector;
  masker: Masker;
}

/** Turns what happened to the process into the `WorkResult`. */
export function toWorkResult(outcome: RunOutcome, ctx: MappingContext): WorkResult {
  const { config, masker } = ctx;
  const stdout = masker.string(outcome.stdout.toString());
  const stderr = masker.string(outcome.stderr.toString());
  const outputs: Record<string, unknown> = { exit_code: outcome.exitCode, pid: outcome.pid, stdout, stderr };
  if (outcome.signal) outputs.signal = outcome.signal;
  let error = failure(outcome, ctx.timeoutMs, stderr);
  if (error === undefined && config.output === 'json') {
    const parsed = parseJsonResult(outcome, masker);
    if ('result' in parsed) outputs.result = masker.deep(parsed.result);
    else error = parsed.error;
  }
  if (error !== undefined) ctx.logs.error(error);
  const extra: Record<string, unknown> = {
    exit_code: outcome.exitCode,
    stdout_bytes: outcome.stdout.totalBytes,
    stderr_bytes: outcome.stderr.totalBytes,
  };
  if (outcome.signal) extra.signal = outcome.signal;
  if (outcome.stoppedBy === 'timeout') extra.timedOut = true;
  if (outcome.strays > 0) extra.stray_processes = outcome.strays;
  return workResult({
    success: error === undefined,
    outputs,
    logs: ctx.logs.entries(),
    metrics: ctx.clock.finish(extra),
    error,
  });
}
