import { AbortError } from '../errors';

/**
 * The works an executor is running, so `shutdown()` can stop them all and wait until they have cleaned
 * up. Each work gets its own signal: aborted when the caller's signal aborts, or by `abortAll`.
 */
export class WorksInFlight {
  readonly #running = new Map<AbortController, Promise<unknown>>();

  get size(): number {
    return this.#running.size;
  }

  /** Runs `work` with a signal that follows `outer` and `abortAll`; the work is tracked until it settles. */
  async run<T>(outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', forward, { once: true });
    const running = work(controller.signal);
    this.#running.set(
      controller,
      running.catch(() => {}),
    );
    try {
      return await running;
    } finally {
      this.#running.delete(controller);
      outer?.removeEventListener('abort', forward);
    }
  }

  /** Aborts every work still running (reason: an `AbortError` saying why) and waits for all to settle. */
  async abortAll(reason = 'the executor is shutting down', scope?: string): Promise<void> {
    const error = new AbortError(reason, scope ? { scope } : {});
    for (const controller of this.#running.keys()) controller.abort(error);
    await Promise.all(this.#running.values());
  }
}
