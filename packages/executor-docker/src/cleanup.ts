import type Docker from 'dockerode';
import { tryRemove } from './container';
import type { Engine } from './engine';
import { PendingSet } from './pending';

/** Waits between removal attempts of one container (after the first one failed). */
const RETRY_DELAYS_MS = [200, 1000, 3000];

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Removals that finish after their work's result: a container that exited by itself has nothing more
 * to give, so its `DELETE` runs in the background. Each one is tracked until it is done; a failed one is
 * retried, then reported with `process.emitWarning` (the orphan sweep of the next worker catches what is
 * still left if this process dies).
 */
export class PendingRemovals extends PendingSet {
  /** Removes `container` in the background; `done` runs once it is gone (or given up on). */
  add(engine: Engine, container: Docker.Container, done: () => void): void {
    this.track(this.#remove(engine, container), done);
  }

  async #remove(engine: Engine, container: Docker.Container): Promise<void> {
    let reason = '';
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) await pause(RETRY_DELAYS_MS[attempt - 1] ?? 0);
      const failure = await tryRemove(engine, container);
      if (failure === undefined) return;
      reason = failure;
    }
    process.emitWarning(
      `[ubom] [docker] could not remove container ${container.id} after ${RETRY_DELAYS_MS.length + 1} attempts: ${reason}`,
      { code: 'UBOM_DOCKER_REMOVE_FAILED' },
    );
  }
}
