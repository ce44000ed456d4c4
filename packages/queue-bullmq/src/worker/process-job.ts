import { AbortError, UbomError, ValidationError, type WorkResult } from '@ubom/core';
import { type Job, UnrecoverableError, WaitingError } from 'bullmq';
import { describeError } from '../shared/error-descriptor';
import { fromJobData, type WorkJobData } from '../shared/job-data';
import type { ConfigSealer } from '../shared/sealing';
import { workerContext } from '../shared/trace-context';
import type { WorkerExecutors } from './executors';
import { LogSink } from './log-sink';
import type { RunningWork, RunningWorks } from './running';

export interface ProcessorDeps {
  executors: () => WorkerExecutors;
  sealer: ConfigSealer | undefined;
  running: RunningWorks;
  onError: (error: unknown) => void;
}

export type WorkJob = Job<WorkJobData, WorkResult>;

const isWorkJobData = (data: unknown): data is WorkJobData =>
  typeof data === 'object' && data !== null && (data as WorkJobData).v === 1;

/**
 * The BullMQ processor of a WorkWorker. Runs the job's work through the registry and maps what
 * happened onto BullMQ:
 * - the work ran (`success` true or false): the job completes with the (masked) `WorkResult`;
 *   with `retryOn: 'failure'` a failed result is thrown instead while attempts remain;
 * - it could not be attempted: a retryable `UbomError` is thrown as is (BullMQ retries with
 *   backoff while attempts remain), any other as `UnrecoverableError` (failed at once);
 * - cancelled by a producer: failed at once, code `ABORTED`;
 * - stopped by a shutdown: handed back to the queue (`moveToWait`), not failed;
 * - lock lost: left alone, BullMQ's stalled check gives it to another worker.
 * The error itself is recorded in the job's progress so producers rethrow the same kind.
 */
export function createProcessor(deps: ProcessorDeps) {
  return async (job: WorkJob, token?: string): Promise<WorkResult> => {
    const jobId = job.id ?? '';
    // Every start counts (retries, and also recoveries from a dead worker and hand-backs): the work
    // can tell from `context.attempt > 1` that it may have run before (at-least-once).
    const attempt = Math.max(job.attemptsStarted, job.attemptsMade + 1);
    const run = deps.running.start(jobId);
    const sink = new LogSink(job, attempt, deps.onError);
    try {
      let result: WorkResult;
      try {
        result = await runOnce(job, attempt, run, sink, deps);
      } catch (error) {
        await sink.flush();
        throw await failure(job, token, run, sink, error);
      }
      if (sink.busy) await sink.flush();
      const attempts = job.opts.attempts ?? 1;
      const tried = job.attemptsMade + 1;
      if (!result.success && job.data.retryOn === 'failure' && tried < attempts) {
        await job.updateProgress(sink.progress());
        throw new Error(
          `[ubom] [queue] attempt ${tried} of ${attempts} failed: ${result.error ?? 'the work failed'}`,
        );
      }
      result.metrics.jobAttempt = attempt;
      return result;
    } finally {
      deps.running.end(jobId);
    }
  };
}

async function runOnce(
  job: WorkJob,
  attempt: number,
  run: RunningWork,
  sink: LogSink,
  deps: ProcessorDeps,
): Promise<WorkResult> {
  const data = job.data;
  if (!isWorkJobData(data)) {
    throw ValidationError.single('data', 'is not a UBOM work (was it enqueued by WorkQueue?)', {
      scope: 'queue',
    });
  }
  if (data.cancel)
    throw new AbortError(`cancelled before it started: ${data.cancel.reason}`, { scope: 'queue' });
  const work = fromJobData(data, deps.sealer);
  const executors = deps.executors();
  return executors.registry.execute(work, workerContext(data.context, attempt), {
    signal: run.signal,
    onLog: (entry) => sink.push(entry),
  });
}

/** What to throw to BullMQ for an error of one attempt (see `createProcessor`). */
async function failure(
  job: WorkJob,
  token: string | undefined,
  run: RunningWork,
  sink: LogSink,
  error: unknown,
): Promise<Error> {
  if (run.stopped === 'shutdown') {
    // If this fails (lock already lost), the stalled check puts the job back instead.
    await job.moveToWait(token).catch(() => undefined);
    return new WaitingError('handed back: the worker is shutting down');
  }
  if (run.stopped === 'lost') return new WaitingError('the lock was lost: another worker takes over');
  const cancelled =
    run.stopped === 'cancel' || (error instanceof AbortError && job.data.cancel !== undefined);
  const described = describeError(
    cancelled && !(error instanceof AbortError) ? new AbortError('the work was cancelled') : error,
  );
  await job.updateProgress(sink.progress(described)).catch(() => undefined);
  const retryable = !cancelled && error instanceof UbomError && error.retryable;
  return retryable ? new Error(described.message) : new UnrecoverableError(described.message);
}
