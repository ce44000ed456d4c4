import { AbortError, type LogEntry, NotFoundError, UbomError, type WorkResult } from '@ubom/core';
import { Job } from 'bullmq';
import { reviveError } from '../shared/error-descriptor';
import type { WorkProgress } from '../shared/progress';
import { asRedisError } from '../shared/redis-error';
import type { QueueContext } from './context';
import type { JobEvent } from './events';
import { LogFollower } from './log-follower';

export interface WaitOptions {
  /** Receives the work's log entries live, in order (also those written before you started). */
  onLog?: (entry: LogEntry) => void;
  /** Stops waiting (rejects with `AbortError`); the work itself goes on: use `cancel()` to stop it. */
  signal?: AbortSignal;
}

type Final = Exclude<JobEvent, { event: 'progress' }> | { event: 'aborted' };
type Done = Exclude<Final, { event: 'aborted' } | { event: 'closed' }>;

/** The events stream is the fast path; this poll only guards against a lost connection. */
const SAFETY_POLL_MS = 5000;

const isWorkResult = (v: unknown): v is WorkResult =>
  typeof v === 'object' && v !== null && typeof (v as WorkResult).success === 'boolean';

/** Waits for a job to finish; resolves its WorkResult or rejects with the error its worker recorded. */
export async function awaitJob(
  ctx: QueueContext,
  jobId: string,
  options: WaitOptions = {},
): Promise<WorkResult> {
  const { signal, onLog } = options;
  if (signal?.aborted)
    throw new AbortError('stopped waiting for the work', { scope: 'queue', cause: signal.reason });
  const follower = onLog ? new LogFollower(ctx, jobId, onLog) : undefined;
  let settle: (final: Final) => void = () => {};
  const finished = new Promise<Final>((resolve) => {
    settle = resolve;
  });
  await ctx.connected(`could not follow job "${jobId}"`);
  const stop = await ctx.hub
    .watch(jobId, (event) => {
      if (event.event === 'progress') follower?.poke();
      else settle(event);
    })
    .catch((error: unknown) => {
      throw asRedisError(error, `could not follow job "${jobId}"`);
    });
  const check = async (): Promise<void> => {
    const state = await ctx.queue.getJobState(jobId);
    if (state === 'completed') settle({ event: 'completed', returnvalue: undefined });
    else if (state === 'failed') settle({ event: 'failed', failedReason: '' });
    else if (state === 'unknown') settle({ event: 'removed' });
  };
  const poll = setInterval(() => void check().catch(() => undefined), SAFETY_POLL_MS);
  const onAbort = (): void => settle({ event: 'aborted' });
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort(); // aborted while we subscribed
  try {
    follower?.poke();
    await check().catch((error: unknown) => {
      throw asRedisError(error, `could not read the state of job "${jobId}"`);
    });
    const final = await finished;
    if (final.event === 'aborted')
      throw new AbortError('stopped waiting for the work', { scope: 'queue', cause: signal?.reason });
    if (final.event === 'closed')
      throw new AbortError('stopped waiting for the work: the queue was closed', { scope: 'queue' });
    await follower?.drain();
    return await outcome(ctx, jobId, final);
  } finally {
    stop();
    clearInterval(poll);
    signal?.removeEventListener('abort', onAbort);
  }
}

async function outcome(ctx: QueueContext, jobId: string, final: Done): Promise<WorkResult> {
  if (final.event === 'removed') {
    throw new NotFoundError(`job "${jobId}" is not in queue "${ctx.name}" (never added, or removed)`, {
      scope: 'queue',
    });
  }
  if (final.event === 'completed' && isWorkResult(final.returnvalue)) return final.returnvalue;
  const job = await Job.fromId<unknown, WorkResult>(ctx.queue, jobId);
  if (!job)
    throw new NotFoundError(`job "${jobId}" was removed from queue "${ctx.name}"`, { scope: 'queue' });
  if (final.event === 'completed') {
    if (isWorkResult(job.returnvalue)) return job.returnvalue;
    throw new UbomError('INTERNAL', `job "${jobId}" completed without a WorkResult`, { scope: 'queue' });
  }
  const progress = job.progress as Partial<WorkProgress> | undefined;
  throw reviveError(progress?.error, job.failedReason || final.failedReason || `job "${jobId}" failed`);
}
