import { AbortError } from '@ubom/core';

/** Why a running work was stopped by the worker rather than finishing on its own. */
export type StopReason = 'cancel' | 'shutdown' | 'lost';

export interface RunningWork {
  readonly signal: AbortSignal;
  /** Set once the work was stopped. */
  readonly stopped: StopReason | undefined;
}

/** One running work; handed out as its `RunningWork` view (no extra object per job: this is a hot path). */
class Slot implements RunningWork {
  readonly controller = new AbortController();
  stopped: StopReason | undefined = undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

/** Cancel requests for jobs not running here yet are kept this long (they may be starting). */
const EARLY_CANCEL_MS = 60_000;

/** The works this worker runs now, by job id, each with the signal handed to its executor. */
export class RunningWorks {
  readonly #slots = new Map<string, Slot>();
  readonly #early = new Map<string, { reason: string; until: number }>();

  get size(): number {
    return this.#slots.size;
  }

  ids(): string[] {
    return [...this.#slots.keys()];
  }

  start(jobId: string): RunningWork {
    const slot = new Slot();
    this.#slots.set(jobId, slot);
    if (this.#early.size > 0) {
      const early = this.#early.get(jobId);
      if (early) {
        this.#early.delete(jobId);
        if (early.until > Date.now()) this.stop(jobId, 'cancel', early.reason);
      }
    }
    return slot;
  }

  end(jobId: string): void {
    this.#slots.delete(jobId);
  }

  /** Aborts the work's signal; the first reason wins. False when the job does not run here. */
  stop(jobId: string, why: StopReason, message: string): boolean {
    const slot = this.#slots.get(jobId);
    if (!slot) return false;
    if (slot.stopped === undefined) {
      slot.stopped = why;
      slot.controller.abort(new AbortError(message, { scope: 'queue' }));
    }
    return true;
  }

  stopAll(why: StopReason, message: string): void {
    for (const id of this.#slots.keys()) this.stop(id, why, message);
  }

  /** A cancel request from a producer: stops the work if it runs here, else remembers it for a while. */
  cancelRequested(jobId: string, reason: string): void {
    if (this.stop(jobId, 'cancel', reason)) return;
    const now = Date.now();
    for (const [id, e] of this.#early) if (e.until <= now) this.#early.delete(id);
    this.#early.set(jobId, { reason, until: now + EARLY_CANCEL_MS });
  }
}
