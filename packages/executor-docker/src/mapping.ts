import {
  formatDuration,
  type LogCollector,
  lastLines,
  type Masker,
  type MetricsClock,
  type WorkResult,
  workResult,
} from '@ubom/core';
import type { DockerConfig } from './config';
import type { RunOutcome } from './run';

function failure(
  outcome: RunOutcome,
  config: DockerConfig,
  timeoutMs: number | undefined,
  stderr: string,
): string | undefined {
  if (outcome.stoppedBy) return `timed out after ${formatDuration(timeoutMs ?? 0)}`;
  const detail = lastLines(stderr);
  const suffix = detail ? `: ${detail}` : '';
  if (outcome.oomKilled) {
    const limit = config.resources?.memory_limit;
    const within = limit === undefined ? '' : ` (memory_limit ${limit})`;
    return outcome.oomSource === 'inferred'
      ? `the container was killed (exit code 137), most likely out of memory${within}${suffix}`
      : `the container ran out of memory${within} and was killed${suffix}`;
  }
  if (outcome.exitCode !== 0)
    return `the container exited with code ${outcome.exitCode ?? 'unknown'}${suffix}`;
  const file = outcome.outputsFile;
  if (file && 'error' in file) return file.error;
  if (file && !file.found) return `the container did not write outputs_file "${config.outputs_file}"`;
  return undefined;
}

export interface MappingContext {
  config: DockerConfig;
  /** The timeout that stopped the work (its own `timeout`, or the registry's). */
  timeoutMs: number | undefined;
  clock: MetricsClock;
  logs: LogCollector;
  masker: Masker;
}

/** Turns what happened to the container into the `WorkResult`. */
export function toWorkResult(outcome: RunOutcome, ctx: MappingContext): WorkResult {
  const { masker } = ctx;
  const stdout = masker.string(outcome.output.stdout.toString());
  const stderr = masker.string(outcome.output.stderr.toString());
  const outputs: Record<string, unknown> = {
    exit_code: outcome.exitCode ?? null,
    container_id: outcome.containerId,
    image: outcome.imageDigest ?? null,
    image_id: outcome.imageId ?? null,
    oom_killed: outcome.oomKilled,
    stdout,
    stderr,
  };
  const file = outcome.outputsFile;
  if (file && 'found' in file && file.found) outputs.result = masker.deep(file.value);
  const error = failure(outcome, ctx.config, ctx.timeoutMs, stderr);
  if (error !== undefined) ctx.logs.error(masker.string(error));
  const extra: Record<string, unknown> = {
    exit_code: outcome.exitCode ?? null,
    oom_killed: outcome.oomKilled,
    ...(outcome.oomSource ? { oom_source: outcome.oomSource } : {}),
    ...outcome.timings,
    stdout_bytes: outcome.output.stdout.totalBytes,
    stderr_bytes: outcome.output.stderr.totalBytes,
  };
  if (outcome.stoppedBy) extra.timedOut = true;
  if (!outcome.removed && !ctx.config.keep_container) extra.container_left = outcome.containerId;
  return workResult({
    success: error === undefined,
    outputs,
    logs: ctx.logs.entries(),
    metrics: ctx.clock.finish(extra),
    error: error === undefined ? undefined : masker.string(error),
  });
}
