import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventsHub } from './events';

/** What the handles of one WorkQueue share. */
export interface QueueContext {
  name: string;
  prefix: string;
  queue: Queue;
  client: Redis;
  hub: EventsHub;
  /** Resolves once Redis is connected; `UnavailableError` after the queue's `connectTimeoutMs`. */
  connected(what: string): Promise<void>;
}
