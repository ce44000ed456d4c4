import { AbortError, type Work, type WorkContext } from '@ubom/core';
import type { Backoff, EnqueueOptions } from '../producer/options';
import { WorkQueue } from '../producer/queue';
import { type ConnectionFlags, connectionOf, durationMs, positiveInt } from './flags';
import { EXIT, type Resolved } from './io';
import { readJson } from './read-json';
import { formatLog, formatSummary } from './render';

export interface EnqueueFlags extends ConnectionFlags {
  wait?: boolean;
  json?: boolean;
  quiet?: boolean;
  jobId?: string;
  runId?: string;
  context?: string;
  priority?: string;
  delay?: string;
  attempts?: string;
  backoff?: string;
  exponential?: boolean;
  retryFailed?: boolean;
}

function enqueueOptions(flags: EnqueueFlags): EnqueueOptions {
  const options: EnqueueOptions = {};
  if (flags.jobId !== undefined) options.jobId = flags.jobId;
  if (flags.priority !== undefined) options.priority = Number(flags.priority);
  const delay = durationMs(flags.delay, '--delay');
  if (delay !== undefined) options.delay = delay;
  const attempts = positiveInt(flags.attempts, '--attempts');
  if (attempts !== undefined) options.attempts = attempts;
  const backoff = durationMs(flags.backoff, '--backoff');
  if (backoff !== undefined) {
    const b: Backoff = { type: flags.exponential ? 'exponential' : 'fixed', delay: backoff };
    options.backoff = b;
  }
  if (flags.retryFailed) options.retryOn = 'failure';
  return options;
}

/** Until the work is over, the first SIGINT/SIGTERM stops waiting (the work goes on); exit 130. */
function trapWait(controller: AbortController): () => void {
  const handler = (): void => controller.abort(new AbortError('interrupted'));
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** `ubom enqueue <file>`: queues a work; with `--wait`, follows its logs and prints its result. */
export async function enqueueCommand(file: string, flags: EnqueueFlags, r: Resolved): Promise<void> {
  const { io } = r;
  const work = (await readJson(file, io.stdin)) as Work;
  const context = (flags.context === undefined ? {} : await readJson(flags.context, io.stdin)) as WorkContext;
  if (flags.runId !== undefined && typeof context === 'object' && context !== null)
    context.runId = flags.runId;
  const options = enqueueOptions(flags);
  const telemetry = await r.telemetry({ command: 'enqueue', prometheus: false });
  const queue = new WorkQueue(connectionOf(flags, io));
  try {
    const handle = await queue.enqueue(work, context, options);
    if (!flags.wait) {
      io.stdout.write(
        flags.json ? `${JSON.stringify({ id: handle.id, queue: queue.name })}\n` : `${handle.id}\n`,
      );
      r.setExitCode(EXIT.ok);
      return;
    }
    io.stderr.write(`[ubom] [queue] queued as ${handle.id} on ${queue.name}, waiting for a worker\n`);
    const controller = new AbortController();
    const release = r.handleSignals ? trapWait(controller) : () => {};
    try {
      const result = await handle.result({
        signal: controller.signal,
        ...(flags.quiet ? {} : { onLog: (e) => io.stderr.write(`${formatLog(e, work.type)}\n`) }),
      });
      io.stdout.write(
        flags.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : formatSummary(result, `${work.name ?? work.id} (${work.type})`),
      );
      r.setExitCode(result.success ? EXIT.ok : EXIT.failed);
    } catch (error) {
      if (error instanceof AbortError && controller.signal.aborted) {
        io.stderr.write(
          `[ubom] [queue] stopped waiting; the work goes on as job ${handle.id} (ubom queue cancel ${handle.id} stops it)\n`,
        );
        r.setExitCode(EXIT.interrupted);
        return;
      }
      throw error;
    } finally {
      release();
    }
  } finally {
    await queue.close();
    await telemetry.shutdown();
  }
}
