import { PendingSet } from './pending';

/** How long a start waits at most for the teardowns before it. */
const GATE_MS = 1000;
/** How long the engine may take to tear down an exited container before `wait` is given up. */
const TEARDOWN_MS = 10_000;

/**
 * Containers that exited (their `die` event arrived) while the engine is still tearing them down:
 * network, mounts. `wait` answers when it is done.
 *
 * Measured on the default bridge network: starting a container while the engine tears another down
 * costs both (a work took 330 ms back to back instead of 270). So a start waits until no teardown is
 * pending, bounded by `GATE_MS`. Results still settle at `die`: 40–50 ms sooner.
 */
export class Teardowns extends PendingSet {
  /** Tracks a teardown: `done` is the container's `wait`, `abandon` gives it up after `TEARDOWN_MS`. */
  add(done: Promise<unknown>, abandon: () => void): void {
    const timer = setTimeout(abandon, TEARDOWN_MS);
    timer.unref();
    this.track(done, () => clearTimeout(timer));
  }

  /** Resolves once the pending teardowns are over, or after `GATE_MS`. */
  async settled(): Promise<void> {
    await this.settle(GATE_MS);
  }
}
