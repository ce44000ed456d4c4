import { WorkQueue } from '../producer/queue';
import { type ConnectionFlags, connectionOf } from './flags';
import { EXIT, type Resolved } from './io';

/** `ubom queue status`: counts by state and workers connected. */
export async function statusCommand(flags: ConnectionFlags & { json?: boolean }, r: Resolved): Promise<void> {
  const queue = new WorkQueue(connectionOf(flags, r.io));
  try {
    const status = await queue.status();
    if (flags.json) r.io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else {
      const c = status.counts;
      r.io.stdout.write(
        `${[
          `queue ${status.name}${status.paused ? ' (paused)' : ''}: ${status.workers} worker${status.workers === 1 ? '' : 's'} connected`,
          `  waiting ${c.waiting + c.prioritized}, delayed ${c.delayed}, active ${c.active}`,
          `  completed ${c.completed}, failed ${c.failed}`,
        ].join('\n')}\n`,
      );
    }
    r.setExitCode(EXIT.ok);
  } finally {
    await queue.close();
  }
}

/** `ubom queue cancel <job-id>`: exit 0 when the request was recorded, 1 when the work was already over. */
export async function cancelCommand(
  jobId: string,
  flags: ConnectionFlags & { reason?: string },
  r: Resolved,
): Promise<void> {
  const queue = new WorkQueue(connectionOf(flags, r.io));
  try {
    const done = await queue.cancel(jobId, flags.reason ?? 'cancelled from the command line');
    r.io.stderr.write(
      done
        ? `[ubom] [queue] cancel requested for ${jobId}\n`
        : `[ubom] [queue] ${jobId}: nothing to cancel (finished or unknown)\n`,
    );
    r.setExitCode(done ? EXIT.ok : EXIT.failed);
  } finally {
    await queue.close();
  }
}
