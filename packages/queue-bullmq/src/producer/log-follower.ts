import type { LogEntry } from '@ubom/core';
import { Job } from 'bullmq';
import type { LogRow } from '../shared/progress';
import type { QueueContext } from './context';

const after = (row: LogRow, attempt: number, n: number): boolean =>
  row.attempt > attempt || (row.attempt === attempt && row.n > n);

function parseRow(text: string): LogRow | undefined {
  try {
    const row = JSON.parse(text) as LogRow;
    return typeof row.attempt === 'number' && typeof row.n === 'number' && typeof row.message === 'string'
      ? row
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a job's stored log rows as they arrive (poked by its `progress` events) and hands each entry
 * to `onLog` once, in order, across attempts. Reads from where it stopped; once the list is full
 * (`keepLogs`, older rows trimmed) it rereads the tail and skips what it already gave.
 */
export class LogFollower {
  readonly #ctx: QueueContext;
  readonly #jobId: string;
  /** The job's own `keepLogs` (read once: the handle may belong to another producer than the job). */
  #keepLogs: number | undefined;
  readonly #onLog: (entry: LogEntry) => void;
  #index = 0;
  #attempt = 0;
  #n = -1;
  #dirty = false;
  #loop: Promise<void> | undefined;

  constructor(ctx: QueueContext, jobId: string, onLog: (entry: LogEntry) => void) {
    this.#ctx = ctx;
    this.#jobId = jobId;
    this.#onLog = onLog;
  }

  poke(): void {
    this.#dirty = true;
    this.#loop ??= this.#run();
  }

  /** Resolves once everything stored so far was handed over. */
  async drain(): Promise<void> {
    this.poke();
    while (this.#loop) await this.#loop;
  }

  async #run(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await this.#fetch().catch(() => undefined); // a missed read is retried on the next poke
      }
    } finally {
      this.#loop = undefined;
    }
  }

  async #fetch(): Promise<void> {
    if (this.#keepLogs === undefined) {
      const job = await Job.fromId(this.#ctx.queue, this.#jobId);
      this.#keepLogs = job?.opts.keepLogs ?? Number.POSITIVE_INFINITY;
    }
    const { logs, count } = await this.#ctx.queue.getJobLogs(this.#jobId, this.#index, -1, true);
    const trimmed = count >= this.#keepLogs;
    const rows =
      trimmed && this.#index > 0 ? (await this.#ctx.queue.getJobLogs(this.#jobId, 0, -1, true)).logs : logs;
    this.#index = count;
    for (const text of rows) {
      const row = parseRow(text);
      if (!row || !after(row, this.#attempt, this.#n)) continue;
      this.#attempt = row.attempt;
      this.#n = row.n;
      const { attempt: _a, n: _n, ...entry } = row;
      try {
        this.#onLog(entry);
      } catch {
        // a throwing callback does not stop the follow
      }
    }
  }
}
