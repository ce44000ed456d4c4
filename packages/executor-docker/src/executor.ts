import {
  API_VERSION,
  abortErrorFrom,
  BasePlugin,
  type ExecuteOptions,
  LogCollector,
  Masker,
  MetricsClock,
  parseDuration,
  throwIfAborted,
  timeoutOf,
  ValidationError,
  type Work,
  type WorkContext,
  type WorkResult,
  WorksInFlight,
} from '@ubom/core';
import type Docker from 'dockerode';
import { version } from '../package.json';
import { PendingRemovals } from './cleanup';
import { DOCKER_OUTPUTS_SCHEMA, type DockerConfig, dockerConfigJsonSchema, secretValues } from './config';
import { createEngine, type Engine, pingEngine } from './engine';
import { imageExists, imageReference } from './image';
import { toWorkResult } from './mapping';
import { type DockerPluginConfig, parsePluginConfig } from './plugin-config';
import { runContainer } from './run';
import { checkMounts, DEFAULT_SOCKETS } from './safety';
import { sweepOrphans } from './sweep';
import { parseConfig } from './validate';

const SCOPE = 'docker';
export const DOCKER_WORK_TYPE = 'docker';

/** Runs works as containers on a Docker Engine (local socket or remote over TLS); nothing outlives a work. */
export class DockerExecutor extends BasePlugin {
  #settings: DockerPluginConfig = parsePluginConfig({});
  #engine: Engine | undefined;
  #swept: string[] = [];
  /** Works in flight, so `shutdown()` can stop them and wait until their containers are gone. */
  readonly #works = new WorksInFlight();
  readonly #containers = new Set<Docker.Container>();
  /** Removals of containers whose work has already settled. */
  readonly #removals = new PendingRemovals();

  constructor() {
    super(
      {
        name: '@ubom/executor-docker',
        version,
        apiVersion: API_VERSION,
        description: 'Runs works as containers on a Docker Engine',
        homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-docker',
      },
      {
        name: DOCKER_WORK_TYPE,
        description:
          'A container on a Docker Engine: live logs, limits, outputs file, cleaned up on timeout/cancel',
        version,
        capabilities: { cancel: true, streamLogs: true, dryRun: true, remote: true },
      },
      {
        type: DOCKER_WORK_TYPE,
        version: '1.0.0',
        config: dockerConfigJsonSchema,
        outputs: DOCKER_OUTPUTS_SCHEMA,
      },
    );
  }

  /** The engine client (created from the plugin config, or from DOCKER_HOST & co. before `initialize`). */
  get engine(): Engine {
    this.#engine ??= createEngine(this.#settings);
    return this.#engine;
  }

  /** Ids of the orphaned containers the last sweep removed. */
  get sweptContainers(): readonly string[] {
    return this.#swept;
  }

  /** Picks the engine, checks it answers, and sweeps containers of owners that no longer run. */
  override async initialize(config: Record<string, unknown>): Promise<void> {
    this.#settings = parsePluginConfig(config);
    this.pluginConfig = config;
    this.#engine?.exits.close();
    this.#engine = createEngine(this.#settings);
    await pingEngine(this.#engine);
    if (this.#settings.sweep_orphans) await this.sweepOrphans();
  }

  /** Containers of works in flight, and of finished works still being removed. */
  get activeContainers(): number {
    return this.#containers.size;
  }

  /** Removes managed containers whose owner process (on this host) no longer runs. */
  async sweepOrphans(): Promise<string[]> {
    this.#swept = await sweepOrphans(this.engine);
    return this.#swept;
  }

  override async healthCheck(): Promise<void> {
    await pingEngine(this.engine);
  }

  /** The config rules a schema cannot express (mount safety), then the dry run: is the image there? */
  override async validate(work: Work): Promise<void> {
    const config = this.#parse(work);
    if (config.pull_policy === 'never' && !(await imageExists(this.engine, config.image))) {
      throw ValidationError.single(
        'executor_config.image',
        `image "${imageReference(config.image)}" is not on the engine and pull_policy is "never"`,
        { scope: SCOPE },
      );
    }
  }

  async execute(work: Work, _workContext: WorkContext, options: ExecuteOptions = {}): Promise<WorkResult> {
    throwIfAborted(options.signal, SCOPE);
    const config = this.#parse(work);
    return this.#works.run(options.signal, (signal) => this.#run(work, config, signal, options));
  }

  /**
   * Resolves once every container of a finished work is removed. A work that exited by itself resolves
   * as soon as its result is known, and its container is removed just after, in the background; await
   * this to see the engine with none of them left (tests do; `shutdown()` does too).
   */
  async idle(): Promise<void> {
    await this.#removals.idle();
  }

  /** Stops every work still running (stop, kill, remove), waits for them and for pending removals. */
  override async shutdown(): Promise<void> {
    await this.#works.abortAll('the executor is shutting down', SCOPE);
    // bounded: each attempt is bounded by request_timeout, and they are retried a few times
    if (!(await this.#removals.settle(4 * this.engine.requestTimeoutMs + 5000))) {
      process.emitWarning(
        `[ubom] [docker] shutdown: ${this.#removals.size} container removal(s) still pending; the next initialize sweeps them`,
        { code: 'UBOM_DOCKER_REMOVE_PENDING' },
      );
    }
    // the next work (if any) gets a new client and a new event stream
    this.#engine?.exits.close();
    this.#engine = undefined;
  }

  #parse(work: Work): DockerConfig {
    const config = parseConfig(work);
    const issues = checkMounts(config, {
      allowDangerous: this.#settings.allow_dangerous_mounts,
      allowedHostPaths: this.#settings.allowed_host_paths,
      socketPaths: [
        ...new Set([...(this.engine.socketPath ? [this.engine.socketPath] : []), ...DEFAULT_SOCKETS]),
      ],
      local: this.engine.socketPath !== undefined,
    });
    if (issues.length > 0) throw new ValidationError(issues, { scope: SCOPE });
    return config;
  }

  async #run(
    work: Work,
    config: DockerConfig,
    signal: AbortSignal,
    options: ExecuteOptions,
  ): Promise<WorkResult> {
    const masker = Masker.of(secretValues(config));
    const logs = new LogCollector({ onLog: options.onLog });
    const clock = new MetricsClock();
    try {
      const outcome = await runContainer({
        engine: this.engine,
        work,
        config,
        signal,
        logs,
        masker,
        track: (container) => {
          this.#containers.add(container);
          return () => this.#containers.delete(container);
        },
        removeLater: (container, forget) => this.#removals.add(this.engine, container, forget),
      });
      const registryTimeoutMs = timeoutOf(signal.reason);
      if (outcome.stoppedBy === 'abort' && registryTimeoutMs === undefined)
        throw abortErrorFrom(signal, SCOPE);
      const timeoutMs =
        outcome.stoppedBy === 'abort'
          ? registryTimeoutMs
          : config.timeout === undefined
            ? undefined
            : parseDuration(config.timeout);
      return toWorkResult(outcome, { config, timeoutMs, clock, logs, masker });
    } catch (error) {
      throw masker.error(error);
    }
  }
}
