import { lastLines, type RunOutcome } from '@ubom/core';
import type { ExecOutcome } from './exec';
import type { UploadSummary } from './sftp';

/** How the work got its connection, and what it uploaded first. */
export interface RunFacts {
  host: string;
  reused: boolean;
  connectMs: number;
  upload: UploadSummary | undefined;
}

/** Why the command failed, or `undefined` when it exited 0. */
function failure(outcome: ExecOutcome, stderr: string): string | undefined {
  // stopped on abort: the kernel words it ("timed out after …", or an AbortError for a cancel)
  if (outcome.stopped) return 'the remote command was stopped';
  const detail = lastLines(stderr);
  const suffix = detail ? `: ${detail}` : '';
  if (outcome.signal) return `the remote command was killed by ${outcome.signal}${suffix}`;
  if (outcome.exitCode === null) return `the session ended without an exit status${suffix}`;
  if (outcome.exitCode !== 0) return `the remote command exited with code ${outcome.exitCode}${suffix}`;
  return undefined;
}

/**
 * What happened on the server as the work's outcome: snake_case outputs, camelCase metrics. The kernel
 * masks secrets in all of it and adds the logs and timing.
 */
export function toOutcome(outcome: ExecOutcome, facts: RunFacts): RunOutcome {
  const stdout = outcome.stdout.toString();
  const stderr = outcome.stderr.toString();
  const outputs: Record<string, unknown> = {
    exit_code: outcome.exitCode,
    signal: outcome.signal,
    stdout,
    stderr,
    host: facts.host,
  };
  const metrics: Record<string, unknown> = {
    exitCode: outcome.exitCode,
    stdoutBytes: outcome.stdout.totalBytes,
    stderrBytes: outcome.stderr.totalBytes,
    connectionReused: facts.reused,
    connectMs: facts.connectMs,
  };
  if (outcome.signal) metrics.signal = outcome.signal;
  if (outcome.straysStopped) metrics.straysStopped = true;
  if (facts.upload) {
    metrics.uploadFiles = facts.upload.files;
    metrics.uploadBytes = facts.upload.bytes;
  }
  const error = failure(outcome, stderr);
  return error === undefined ? { outputs, metrics } : { success: false, error, outputs, metrics };
}
