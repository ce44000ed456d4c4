import { parseDuration, ValidationError, type ValidationIssue } from '@ubom/core';
import type { BackoffOptions, JobsOptions } from 'bullmq';
import type { RetryOn } from '../shared/job-data';
import { jobIdIssues } from '../shared/job-id';

export interface Backoff {
  type: 'fixed' | 'exponential';
  /** Base delay: milliseconds or a duration (`"2s"`). */
  delay: number | string;
}

/** How one work is queued. Every field is optional; `WorkQueue` `defaults` fill the gaps. */
export interface EnqueueOptions {
  /** 1 is the highest priority, 2 097 152 the lowest; unset: plain FIFO (ahead of every prioritized work). */
  priority?: number;
  /** Wait this long before the work becomes runnable: milliseconds or a duration (`"30s"`). */
  delay?: number | string;
  /** How many times the work may be attempted in all. Default 1 (no retry). */
  attempts?: number;
  /** Between attempts: a fixed delay (number / duration) or `{ type, delay }`. Default exponential from 1 s. */
  backoff?: number | string | Backoff;
  /** Job id; default: the work id plus `@runId` (see README: idempotent enqueue). */
  jobId?: string;
  /** `'error'` (default): only retryable errors are retried; `'failure'`: `success: false` results too. */
  retryOn?: RetryOn;
}

export const PRIORITY_LIMIT = 2_097_152;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function duration(value: unknown, path: string, issues: ValidationIssue[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
  if (ms === undefined || ms < 0) {
    issues.push({
      path,
      message: `must be milliseconds or a duration like 30s, got ${JSON.stringify(value)}`,
    });
    return undefined;
  }
  return ms;
}

function backoff(
  value: EnqueueOptions['backoff'],
  path: string,
  issues: ValidationIssue[],
): BackoffOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') {
    const delay = duration(value, path, issues);
    return delay === undefined ? undefined : { type: 'fixed', delay };
  }
  if (typeof value !== 'object' || value === null) {
    issues.push({ path, message: 'must be a delay or { type: "fixed" | "exponential", delay }' });
    return undefined;
  }
  if (value.type !== 'fixed' && value.type !== 'exponential')
    issues.push({
      path: `${path}.type`,
      message: `must be "fixed" or "exponential", got ${JSON.stringify(value.type)}`,
    });
  const delay = duration(value.delay, `${path}.delay`, issues);
  return delay === undefined ? undefined : { type: value.type, delay };
}

/** Checks every option at once and returns what BullMQ needs; throws `ValidationError` with paths. */
export function toJobsOptions(
  options: EnqueueOptions,
  path = 'options',
): {
  jobs: JobsOptions;
  retryOn: RetryOn | undefined;
} {
  const issues: ValidationIssue[] = [];
  const jobs: JobsOptions = {};
  const { priority, attempts, jobId, retryOn } = options;
  if (priority !== undefined) {
    if (!isInt(priority) || priority < 0 || priority > PRIORITY_LIMIT)
      issues.push({
        path: `${path}.priority`,
        message: `must be an integer from 0 to ${PRIORITY_LIMIT}, got ${JSON.stringify(priority)}`,
      });
    else if (priority > 0) jobs.priority = priority;
  }
  const delay = duration(options.delay, `${path}.delay`, issues);
  if (delay !== undefined && delay > 0) jobs.delay = delay;
  if (attempts !== undefined) {
    if (!isInt(attempts) || attempts < 1)
      issues.push({
        path: `${path}.attempts`,
        message: `must be an integer of at least 1, got ${JSON.stringify(attempts)}`,
      });
    else jobs.attempts = attempts;
  }
  const b = backoff(options.backoff, `${path}.backoff`, issues);
  if (b) jobs.backoff = b;
  else if ((jobs.attempts ?? 1) > 1) jobs.backoff = { type: 'exponential', delay: 1000 };
  if (jobId !== undefined) {
    const problems = jobIdIssues(jobId, `${path}.jobId`);
    if (problems.length > 0) issues.push(...problems);
    else jobs.jobId = jobId;
  }
  if (retryOn !== undefined && retryOn !== 'error' && retryOn !== 'failure')
    issues.push({
      path: `${path}.retryOn`,
      message: `must be "error" or "failure", got ${JSON.stringify(retryOn)}`,
    });
  if (issues.length > 0) throw new ValidationError(issues, { scope: 'queue' });
  return { jobs, retryOn };
}
