import { lastLines, type RunOutcome } from '@ubom/core';
import type { DockerConfig } from './config';
import type { ContainerOutcome } from './run';

/** Why the work failed, or undefined when it succeeded. */
function failure(outcome: ContainerOutcome, config: DockerConfig, stderr: string): string | undefined {
  // the kernel words it: "timed out after …" for a timeout; a cancel rejects with AbortError
  if (outcome.stopped) return 'the container was stopped';
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

/** What happened to the container, as the work's outputs (snake_case) and metrics (camelCase). */
export function toRunOutcome(outcome: ContainerOutcome, config: DockerConfig): RunOutcome {
  const stdout = outcome.output.stdout.toString();
  const stderr = outcome.output.stderr.toString();
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
  if (file && 'found' in file && file.found) outputs.result = file.value;
  const metrics: Record<string, unknown> = {
    exitCode: outcome.exitCode ?? null,
    oomKilled: outcome.oomKilled,
    ...(outcome.oomSource ? { oomSource: outcome.oomSource } : {}),
    ...outcome.timings,
    stdoutBytes: outcome.output.stdout.totalBytes,
    stderrBytes: outcome.output.stderr.totalBytes,
  };
  if (!outcome.removed && !config.keep_container) metrics.containerLeft = outcome.containerId;
  const error = failure(outcome, config, stderr);
  return error === undefined ? { outputs, metrics } : { success: false, error, outputs, metrics };
}
