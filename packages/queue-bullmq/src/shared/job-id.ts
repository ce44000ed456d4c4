import type { ValidationIssue, Work, WorkContext } from '@ubom/core';

/** BullMQ refuses ids that read as integers or hold `:`; `%` is escaped so the encoding stays one-to-one. */
const escapeId = (text: string): string => text.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));

const looksLikeInteger = (id: string): boolean => `${Number.parseInt(id, 10)}` === id;

/**
 * The job id of a work unless the caller gives one: its `id`, plus `@runId` when the context has one.
 * The same work enqueued twice for the same run therefore maps to one job (a retried producer does
 * not run it twice).
 */
export function defaultJobId(work: Pick<Work, 'id'>, context: WorkContext): string {
  const id =
    context.runId === undefined ? escapeId(work.id) : `${escapeId(work.id)}@${escapeId(context.runId)}`;
  return looksLikeInteger(id) ? `work-${id}` : id;
}

/** Problems of a job id chosen by the caller. */
export function jobIdIssues(jobId: unknown, path: string): ValidationIssue[] {
  if (typeof jobId !== 'string' || jobId.length === 0)
    return [{ path, message: 'must be a non-empty string' }];
  if (jobId.includes(':')) return [{ path, message: `must not contain ":", got "${jobId}"` }];
  if (looksLikeInteger(jobId))
    return [{ path, message: `must not be an integer (BullMQ reserves those), got "${jobId}"` }];
  return [];
}
