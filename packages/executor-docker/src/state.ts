import type Docker from 'dockerode';
import { PendingRemovals } from './cleanup';
import { callSignal, createEngine, type Engine, pingEngine } from './engine';
import type { DockerPluginConfig } from './plugin-config';
import { DANGEROUS_HOST_PATHS, DEFAULT_SOCKETS, type MountRules } from './safety';
import { sweepOrphans } from './sweep';

/**
 * What one plugin instance holds (`plugin.state`): the engine client and its event stream, the
 * containers of works in flight, and the removals still running after their works resolved.
 */
export class DockerState {
  readonly engine: Engine;
  readonly config: DockerPluginConfig;
  /** The plugin-wide mount rules `validate` applies. */
  mountRules: MountRules;
  readonly #containers = new Set<Docker.Container>();
  /** Removals of containers whose work has already settled. */
  readonly #removals = new PendingRemovals();
  #swept: string[] = [];

  constructor(config: DockerPluginConfig) {
    this.config = config;
    this.engine = createEngine(config);
    const own = this.engine.socketPath;
    this.mountRules = {
      allowDangerous: config.allow_dangerous_mounts,
      allowedHostPaths: config.allowed_host_paths,
      socketPaths: [...new Set([...(own ? [own] : []), ...DEFAULT_SOCKETS])],
      systemPaths: DANGEROUS_HOST_PATHS,
      local: own !== undefined,
    };
  }

  /** Containers of works in flight, and of finished works still being removed. */
  get activeContainers(): number {
    return this.#containers.size;
  }

  /** Ids of the orphaned containers the last sweep removed. */
  get sweptContainers(): readonly string[] {
    return this.#swept;
  }

  /**
   * Adds the engine's data root (`docker info`'s `DockerRootDir`) to the refused host paths when it is
   * not `/var/lib/docker`. Best effort: an engine that does not say keeps the default list.
   */
  async learnDataRoot(): Promise<void> {
    try {
      // dockerode takes `abortSignal` here; its type definitions miss it
      const ask = this.engine.docker.info as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
      const info = (await ask.call(this.engine.docker, { abortSignal: callSignal(this.engine) })) as {
        DockerRootDir?: unknown;
      };
      const root = info.DockerRootDir;
      if (typeof root !== 'string' || !root.startsWith('/') || this.mountRules.systemPaths.includes(root))
        return;
      this.mountRules = { ...this.mountRules, systemPaths: [...this.mountRules.systemPaths, root] };
    } catch {
      // the default list stays
    }
  }

  /** Removes managed containers whose owner process (on this host) no longer runs. */
  async sweepOrphans(): Promise<string[]> {
    this.#swept = await sweepOrphans(this.engine);
    return this.#swept;
  }

  /**
   * Resolves once every container of a finished work is removed. A work that exited by itself resolves
   * as soon as its result is known, and its container is removed just after, in the background; await
   * this to see the engine with none of them left (tests do; `shutdown()` does too).
   */
  async idle(): Promise<void> {
    await this.#removals.idle();
  }

  /** Counts `container` as active; returns the function that forgets it. */
  track(container: Docker.Container): () => void {
    this.#containers.add(container);
    return () => this.#containers.delete(container);
  }

  /** Removes `container` in the background (tracked until it is gone), then calls `forget`. */
  removeLater(container: Docker.Container, forget: () => void): void {
    this.#removals.add(this.engine, container, forget);
  }

  /** Waits for the pending removals (bounded), then ends the event stream. Works are over by now. */
  async close(): Promise<void> {
    // bounded: each attempt is bounded by request_timeout, and they are retried a few times
    if (!(await this.#removals.settle(4 * this.engine.requestTimeoutMs + 5000))) {
      process.emitWarning(
        `[ubom] [docker] shutdown: ${this.#removals.size} container removal(s) still pending; the next initialize sweeps them`,
        { code: 'UBOM_DOCKER_REMOVE_PENDING' },
      );
    }
    this.engine.exits.close();
  }
}

/** The plugin's setup: picks the engine, checks it answers, and sweeps the containers of dead owners. */
export async function openState(config: DockerPluginConfig): Promise<DockerState> {
  const state = new DockerState(config);
  await pingEngine(state.engine);
  await state.learnDataRoot();
  if (config.sweep_orphans) await state.sweepOrphans();
  return state;
}
