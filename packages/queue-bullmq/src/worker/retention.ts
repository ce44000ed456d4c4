import { parseDuration, ValidationError } from '@ubom/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** How long finished jobs stay in Redis (results, logs, idempotency), and how often workers clean. */
export interface RetentionOptions {
  /** Completed jobs: ms or a duration. Default `24h`. */
  completed?: number | string;
  /** Failed jobs: ms or a duration. Default `168h` (7 days). */
  failed?: number | string;
  /** How often this worker removes the jobs past their time: ms or a duration. Default `1m`. */
  every?: number | string;
}

export interface Retention {
  completedMs: number;
  failedMs: number;
  everyMs: number;
}

/** The defaults (the CLI shows them in `ubom worker --help`). */
export const RETENTION_DEFAULTS = { completed: '24h', failed: '168h', every: '1m' } as const;

/** The retention a worker applies, or undefined for `false` (finished jobs are kept). */
export function parseRetention(options: RetentionOptions | false | undefined): Retention | undefined {
  if (options === false) return undefined;
  const issues: { path: string; message: string }[] = [];
  const ms = (key: keyof RetentionOptions): number => {
    const value = options?.[key] ?? RETENTION_DEFAULTS[key];
    const parsed = parseDuration(value);
    if (parsed === undefined || (key === 'every' && parsed < 1)) {
      issues.push({
        path: `retention.${key}`,
        message: `must be a duration like 24h, 168h or 500ms, got ${JSON.stringify(value)}`,
      });
    }
    return parsed ?? 0;
  };
  const retention = { completedMs: ms('completed'), failedMs: ms('failed'), everyMs: ms('every') };
  if (issues.length > 0) throw new ValidationError(issues, { scope: 'queue' });
  return retention;
}

/** Jobs removed per `clean` call: one Lua script each, so Redis is never held for long. */
const BATCH = 1000;
/** Batches per type in one round at most; what is left waits for the next round. */
const MAX_BATCHES = 50;

/**
 * Removes finished jobs past their retention, every `everyMs` (the first round at a random point
 * of the second half of the first period, so workers started together do not clean together).
 * Cleaning is idempotent: every worker of a queue may run it.
 *
 * Why not BullMQ's per-job `removeOnComplete`: it runs on every completion, inside the completion's
 * script, and cost about 4 % of a no-op work's throughput in `pnpm bench`; a periodic clean costs one
 * script per minute and also cleans a queue that has gone quiet.
 */
export class Janitor {
  readonly #queue: Queue;
  readonly #retention: Retention;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #stopped = false;

  /** Cleans queue `name` through `client` (the worker's connection, left open by `stop()`). */
  constructor(
    queue: { name: string; client: Redis; prefix: string },
    retention: Retention,
    onError: (error: unknown) => void,
  ) {
    this.#queue = new Queue(queue.name, { connection: queue.client, prefix: queue.prefix });
    this.#queue.on('error', () => {}); // a failed round reports through onError
    this.#retention = retention;
    this.#onError = onError;
  }

  start(): void {
    // in the second half of the first period: spread over workers, never right after a start
    this.#schedule(((1 + Math.random()) / 2) * this.#retention.everyMs);
  }

  /** Removes the finished jobs past their retention now; resolves with how many. */
  async clean(): Promise<number> {
    let removed = 0;
    for (const [type, grace] of [
      ['completed', this.#retention.completedMs],
      ['failed', this.#retention.failedMs],
    ] as const) {
      for (let batch = 0; batch < MAX_BATCHES && !this.#stopped; batch++) {
        const ids = await this.#queue.clean(grace, BATCH, type);
        removed += ids.length;
        if (ids.length < BATCH) break;
      }
    }
    return removed;
  }

  /** Stops the rounds; resolves once a round in progress is over and the queue handle is closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
    await this.#queue.close().catch(() => undefined);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#round = this.clean()
        .then(
          () => undefined,
          (error: unknown) => this.#onError(error),
        )
        .finally(() => {
          this.#round = undefined;
          this.#schedule(this.#retention.everyMs);
        });
    }, ms);
    this.#timer.unref();
  }
}
