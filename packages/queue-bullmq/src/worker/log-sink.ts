import type { LogEntry } from '@ubom/core';
import type { Job } from 'bullmq';
import type { ErrorDescriptor } from '../shared/error-descriptor';
import type { LogRow, WorkProgress } from '../shared/progress';

/**
 * Writes a work's log entries to its job (`job.log`, one JSON row each, bounded by `keepLogs`) in
 * order, batching what arrives while a write is in flight, then bumps the job's progress so that
 * followers (QueueEvents `progress`) know there is more to read. A failing write never fails the work.
 */
export class LogSink {
  readonly #job: Job;
  readonly #attempt: number;
  readonly #onError: (error: unknown) => void;
  #pending: string[] = [];
  #count = 0;
  #draining: Promise<void> | undefined;

  constructor(job: Job, attempt: number, onError: (error: unknown) => void) {
    this.#job = job;
    this.#attempt = attempt;
    this.#onError = onError;
  }

  /** Rows written (or being written) so far in this attempt. */
  get count(): number {
    return this.#count;
  }

  push(entry: LogEntry): void {
    const row: LogRow = { ...entry, attempt: this.#attempt, n: this.#count++ };
    this.#pending.push(JSON.stringify(row));
    this.#draining ??= this.#drain();
  }

  /** True while entries are being written. */
  get busy(): boolean {
    return this.#draining !== undefined;
  }

  /** Resolves once every entry pushed so far is stored. */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  progress(error?: ErrorDescriptor): WorkProgress {
    const p: WorkProgress = { attempt: this.#attempt, logs: this.#count };
    if (error) p.error = error;
    return p;
  }

  async #drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let a burst of lines gather
    try {
      while (this.#pending.length > 0) {
        const rows = this.#pending;
        this.#pending = [];
        try {
          // One connection keeps the order; not awaiting each row pipelines them.
          await Promise.all(rows.map((row) => this.#job.log(row)));
          await this.#job.updateProgress(this.progress());
        } catch (error) {
          this.#onError(error);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }
}
