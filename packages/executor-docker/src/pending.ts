/** Promises in flight, each tracked until it settles (however it settles). */
export class PendingSet {
  readonly #pending = new Set<Promise<unknown>>();

  get size(): number {
    return this.#pending.size;
  }

  /** Tracks `promise`; `done` runs once it has settled and is forgotten. */
  track(promise: Promise<unknown>, done?: () => void): void {
    const tracked: Promise<void> = promise
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.#pending.delete(tracked);
        done?.();
      });
    this.#pending.add(tracked);
  }

  /** Resolves once every tracked promise (and any tracked meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** `idle()`, bounded: resolves false if promises are still pending after `ms`. */
  async settle(ms: number): Promise<boolean> {
    if (this.#pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.idle().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
