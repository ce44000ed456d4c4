import { lastLines, type RunOutcome as WorkOutcome } from '@ubom/core';
import type { ProcessConfig } from './config';
import { JSON_TAIL_BYTES, type RunOutcome } from './run-process';

/** `outputs.result` for `output: "json"`: the last non-empty stdout line, parsed. */
function parseJsonResult(outcome: RunOutcome): { result: unknown } | { error: string } {
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
      error: `output is "json" but the last stdout line is not JSON (${(error as Error).message}): ${shown}`,
    };
  }
}

/** Why the command failed, or `undefined` when it exited 0. */
function failure(outcome: RunOutcome, stderr: string): string | undefined {
  // stopped on abort: the kernel words it ("timed out after …", or an AbortError for a cancel)
  if (outcome.stopped) return 'the command was stopped';
  const detail = lastLines(stderr);
  const suffix = detail ? `: ${detail}` : '';
  if (outcome.signal) return `the command was killed by ${outcome.signal}${suffix}`;
  if (outcome.exitCode !== 0) return `the command exited with code ${outcome.exitCode}${suffix}`;
  return undefined;
}

/**
 * What happened to the process as the work's outcome: snake_case outputs, camelCase metrics. The
 * kernel masks secrets in all of it and adds the logs and timing.
 */
export function toOutcome(outcome: RunOutcome, config: Pick<ProcessConfig, 'output'>): WorkOutcome {
  const stdout = outcome.stdout.toString();
  const stderr = outcome.stderr.toString();
  const outputs: Record<string, unknown> = { exit_code: outcome.exitCode, pid: outcome.pid, stdout, stderr };
  const metrics: Record<string, unknown> = {
    exitCode: outcome.exitCode,
    stdoutBytes: outcome.stdout.totalBytes,
    stderrBytes: outcome.stderr.totalBytes,
  };
  if (outcome.signal) outputs.signal = metrics.signal = outcome.signal;
  if (outcome.strays > 0) metrics.strayProcesses = outcome.strays;
  let error = failure(outcome, stderr);
  if (error === undefined && config.output === 'json') {
    const parsed = parseJsonResult(outcome);
    if ('result' in parsed) outputs.result = parsed.result;
    else error = parsed.error;
  }
  return error === undefined ? { outputs, metrics } : { success: false, error, outputs, metrics };
}
