import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

export type JobEvent =
  | { event: 'completed'; returnvalue: unknown }
  | { event: 'failed'; failedReason: string }
  | { event: 'progress'; data: unknown }
  | { event: 'removed' }
  /** The WorkQueue was closed: nobody will report on this job any more. */
  | { event: 'closed' };

type Listener = (event: JobEvent) => void;

/**
 * One `QueueEvents` reader per WorkQueue, shared by every handle that waits or follows logs, started
 * on first use. It reads the events stream from the id that was last when it started, so an event
 * written after a handle checked its job's state cannot be missed.
 */
export class EventsHub {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #base: Redis;
  readonly #name: string;
  readonly #prefix: string;
  #client: Redis | undefined;
  #events: QueueEvents | undefined;
  #ready: Promise<void> | undefined;

  constructor(base: Redis, name: string, prefix: string) {
    this.#base = base;
    this.#name = name;
    this.#prefix = prefix;
  }

  /** Listens to one job's events; call the returned function to stop. Resolves once events flow. */
  async watch(jobId: string, listener: Listener): Promise<() => void> {
    let set = this.#listeners.get(jobId);
    if (!set) {
      set = new Set();
      this.#listeners.set(jobId, set);
    }
    set.add(listener);
    const stop = (): void => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(jobId);
    };
    try {
      this.#ready ??= this.#start();
      await this.#ready;
    } catch (error) {
      stop();
      this.#ready = undefined;
      throw error;
    }
    return stop;
  }

  async #start(): Promise<void> {
    const key = `${this.#prefix}:${this.#name}:events`;
    const last = await this.#base.xrevrange(key, '+', '-', 'COUNT', 1);
    const lastEventId = last[0]?.[0] ?? '0';
    this.#client = this.#base.duplicate({ maxRetriesPerRequest: null });
    this.#client.on('error', () => {}); // reconnects by itself
    const events = new QueueEvents(this.#name, {
      connection: this.#client,
      prefix: this.#prefix,
      lastEventId,
    });
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) =>
      this.#emit(jobId, { event: 'completed', returnvalue }),
    );
    events.on('failed', ({ jobId, failedReason }) => this.#emit(jobId, { event: 'failed', failedReason }));
    events.on('progress', ({ jobId, data }) => this.#emit(jobId, { event: 'progress', data }));
    events.on('removed', ({ jobId }) => this.#emit(jobId, { event: 'removed' }));
    this.#events = events;
    await events.waitUntilReady();
  }

  #emit(jobId: string, event: JobEvent): void {
    const set = this.#listeners.get(jobId);
    if (set) for (const listener of [...set]) listener(event);
  }

  async close(): Promise<void> {
    for (const [jobId] of this.#listeners) this.#emit(jobId, { event: 'closed' });
    this.#listeners.clear();
    await this.#events?.close().catch(() => undefined);
    this.#client?.disconnect();
  }
}
