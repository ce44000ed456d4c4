import { AbortError, type LogEntry, type WorkResult } from '@ubom/core';
import { Job, type JobState } from 'bullmq';
import { encodeCancel } from '../shared/cancel-message';
import { cancelChannel } from '../shared/connection';
import type { WorkJobData } from '../shared/job-data';
import { asRedisError } from '../shared/redis-error';
import { awaitJob, type WaitOptions } from './await-job';
import type { QueueContext } from './context';

export type WorkState = JobState | 'unknown';

/** A queued work: await its result, follow its logs, read its state, cancel it. */
export class WorkHandle {
  /** The job id (idempotency key). */
  readonly id: string;
  readonly #ctx: QueueContext;

  constructor(ctx: QueueContext, id: string) {
    this.#ctx = ctx;
    this.id = id;
  }

  /**
   * The WorkResult once the work ran (`success` true or false, secrets masked). Rejects with the
   * `UbomError` the worker recorded when it could not be attempted (`AbortError` when cancelled),
   * `NotFoundError` when the job is gone.
   */
  result(options: WaitOptions = {}): Promise<WorkResult> {
    return awaitJob(this.#ctx, this.id, options);
  }

  /** `waiting`, `prioritized`, `delayed`, `active`, `completed`, `failed`, or `unknown` (no such job). */
  async state(): Promise<WorkState> {
    const what = `could not read the state of job "${this.id}"`;
    await this.#ctx.connected(what);
    return this.#ctx.queue.getJobState(this.id).catch((error: unknown) => {
      throw asRedisError(error, what);
    });
  }

  /** The log entries as they arrive, ending when the work is over (however it ended). */
  async *logs(options: { signal?: AbortSignal } = {}): AsyncGenerator<LogEntry, void, undefined> {
    const buffered: LogEntry[] = [];
    let wake: () => void = () => {};
    let done = false;
    const waiting = awaitJob(this.#ctx, this.id, {
      ...options,
      onLog: (entry) => {
        buffered.push(entry);
        wake();
      },
    })
      .catch((error: unknown) => {
        if (error instanceof AbortError && options.signal?.aborted) throw error;
      })
      .finally(() => {
        done = true;
        wake();
      });
    while (!done || buffered.length > 0) {
      const next = buffered.shift();
      if (next) yield next;
      else if (!done) await new Promise<void>((resolve) => (wake = resolve));
    }
    await waiting;
  }

  /**
   * Asks for the work to stop. A waiting or delayed work fails as cancelled without running; a running
   * one has its executor's signal aborted (which cleans up), then fails with `AbortError`. Resolves
   * `false` when the work already finished or does not exist.
   */
  cancel(reason = 'cancelled by the producer'): Promise<boolean> {
    return cancelJob(this.#ctx, this.id, reason);
  }
}

/**
 * Records the request on the job (so a worker that takes it later, or whose cancel channel was down,
 * still sees it), then publishes it to the workers.
 */
export async function cancelJob(ctx: QueueContext, jobId: string, reason: string): Promise<boolean> {
  try {
    await ctx.connected(`could not cancel job "${jobId}"`);
    return await requestCancel(ctx, jobId, reason);
  } catch (error) {
    throw asRedisError(error, `could not cancel job "${jobId}"`);
  }
}

async function requestCancel(ctx: QueueContext, jobId: string, reason: string): Promise<boolean> {
  const job = await Job.fromId<WorkJobData>(ctx.queue, jobId);
  if (!job) return false;
  const state = await job.getState();
  if (state === 'completed' || state === 'failed' || state === 'unknown') return false;
  try {
    await job.updateData({ ...job.data, cancel: { reason, at: new Date().toISOString() } });
  } catch {
    return false; // removed meanwhile
  }
  if (state === 'delayed') await job.promote().catch(() => undefined); // fail it now, not at its time
  await ctx.client.publish(cancelChannel(ctx.prefix, ctx.name), encodeCancel({ jobId, reason }));
  return true;
}
