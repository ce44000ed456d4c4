import type { ValidationIssue, Work, WorkContext } from '@ubom/core';

/** BullMQ refuses ids that hold `:`; `%` is escaped too so the encoding stays one-to-one. */
const escapeId = (text: string): string => text.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));

const looksLikeInteger = (id: string): boolean => `${Number.parseInt(id, 10)}` === id;

/**
 * Names of the queue's own keys (`bull:<queue>:<name>`): a job with such an id would overwrite them,
 * and BullMQ does not check. Also `metrics` and `jobs`, used by BullMQ features we do not use.
 */
const RESERVED = new Set([
  'active',
  'wait',
  'waiting-children',
  'paused',
  'id',
  'delayed',
  'prioritized',
  'stalled-check',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'limiter',
  'meta',
  'events',
  'pc',
  'marker',
  'de',
  'metrics',
  'jobs',
]);

/** Ids BullMQ cannot take as they are: integers (its own counter) and its key names. */
const unusable = (id: string): boolean => looksLikeInteger(id) || RESERVED.has(id);

/**
 * The job id of a work unless the caller gives one: its `id`, plus `@runId` when the context has one.
 * The same work enqueued twice for the same run therefore maps to one job (a retried producer does
 * not run it twice). Ids BullMQ cannot take get a `work-` prefix.
 */
export function defaultJobId(work: Pick<Work, 'id'>, context: WorkContext): string {
  const id =
    context.runId === undefined ? escapeId(work.id) : `${escapeId(work.id)}@${escapeId(context.runId)}`;
  return unusable(id) || id.startsWith('work-') ? `work-${id}` : id;
}

/** Problems of a job id chosen by the caller. */
export function jobIdIssues(jobId: unknown, path: string): ValidationIssue[] {
  if (typeof jobId !== 'string' || jobId.length === 0)
    return [{ path, message: 'must be a non-empty string' }];
  if (jobId.includes(':')) return [{ path, message: `must not contain ":", got "${jobId}"` }];
  if (looksLikeInteger(jobId))
    return [{ path, message: `must not be an integer (BullMQ numbers its own jobs so), got "${jobId}"` }];
  if (RESERVED.has(jobId))
    return [
      { path, message: `must not be "${jobId}": the queue stores one of its own keys under that name` },
    ];
  return [];
}
