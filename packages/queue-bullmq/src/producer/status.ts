import { asRedisError } from '../shared/redis-error';
import type { QueueContext } from './context';

export interface QueueStatus {
  name: string;
  paused: boolean;
  /** Workers connected to the queue now (from Redis CLIENT LIST). */
  workers: number;
  counts: {
    waiting: number;
    prioritized: number;
    delayed: number;
    active: number;
    completed: number;
    failed: number;
  };
}

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;

export async function queueStatus(ctx: QueueContext): Promise<QueueStatus> {
  await ctx.connected(`could not read the status of queue "${ctx.name}"`);
  const [raw, paused, workers] = await Promise.all([
    ctx.queue.getJobCounts(...STATES),
    ctx.queue.isPaused(),
    ctx.queue.getWorkersCount(),
  ]).catch((error: unknown) => {
    throw asRedisError(error, `could not read the status of queue "${ctx.name}"`);
  });
  const counts = Object.fromEntries(STATES.map((s) => [s, raw[s] ?? 0])) as QueueStatus['counts'];
  return { name: ctx.name, paused, workers, counts };
}
