import { type Logger, silentLogger, type WorkResult } from '@ubom/core';
import { type Job, Worker } from 'bullmq';
import { cancelChannel, closeRedis, DEFAULT_PREFIX, type OpenedRedis, openRedis } from '../shared/connection';
import type { WorkJobData } from '../shared/job-data';
import { queueName } from '../shared/names';
import { ConfigSealer } from '../shared/sealing';
import { bullmqTelemetry } from '../shared/telemetry';
import { CancelListener } from './cancel-listener';
import { discoverExecutors, givenExecutors, type WorkerExecutors } from './executors';
import type { WorkWorkerOptions } from './options';
import { createProcessor } from './process-job';
import { checkReadiness, type Readiness } from './readiness';
import { Janitor, parseRetention, type Retention } from './retention';
import { RunningWorks } from './running';

export interface CloseOptions {
  /** Overrides the worker's `graceMs` for this close. */
  graceMs?: number;
}

/**
 * Takes works from a queue and runs them through an `EnhancedWorkRegistry`, `concurrency` at a time.
 * `start()` first, `close()` (or `handleSignals()`) to stop gracefully.
 */
export class WorkWorker {
  readonly name: string;
  readonly #options: WorkWorkerOptions;
  readonly #logger: Logger;
  readonly #redis: OpenedRedis;
  readonly #running = new RunningWorks();
  readonly #sealer: ConfigSealer | undefined;
  readonly #retention: Retention | undefined;
  #janitor: Janitor | undefined;
  #executors: WorkerExecutors | undefined;
  #worker: Worker<WorkJobData, WorkResult> | undefined;
  #cancels: CancelListener | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WorkWorkerOptions) {
    this.name = queueName(options.name);
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#sealer = options.secretKey === undefined ? undefined : new ConfigSealer(options.secretKey);
    this.#retention = parseRetention(options.retention);
    this.#redis = openRedis(options.connection, 'worker');
    this.#redis.client.on('error', (error: Error) =>
      this.#logger.warn('redis error', { error: error.message }),
    );
  }

  /** Works running on this worker now. */
  get active(): number {
    return this.#running.size;
  }

  /** Loads the executors, subscribes to cancel requests, then starts taking works. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const o = this.#options;
    this.#executors = o.registry
      ? givenExecutors(o.registry, o.loader)
      : await discoverExecutors({
          logger: this.#logger,
          ...(o.discoverFrom ? { from: o.discoverFrom } : {}),
          ...(o.secrets ? { secrets: o.secrets } : {}),
        });
    const prefix = o.prefix ?? DEFAULT_PREFIX;
    this.#cancels = new CancelListener(
      this.#redis.client,
      cancelChannel(prefix, this.name),
      ({ jobId, reason }) => this.#running.cancelRequested(jobId, `cancelled: ${reason}`),
      () => void this.#recheckCancels(),
    );
    await this.#cancels.start(); // before taking jobs: no cancel request can slip between the two
    const processor = createProcessor({
      executors: () => this.#executors as WorkerExecutors,
      sealer: this.#sealer,
      running: this.#running,
      onError: (error) => this.#logger.warn('could not store a log line', { error: String(error) }),
    });
    const telemetry = bullmqTelemetry(o.telemetry);
    const worker = new Worker<WorkJobData, WorkResult>(this.name, processor, {
      connection: this.#redis.client,
      prefix,
      autorun: false,
      ...(telemetry ? { telemetry } : {}),
      concurrency: o.concurrency ?? 1,
      ...(o.lockDuration === undefined ? {} : { lockDuration: o.lockDuration }),
      ...(o.stalledInterval === undefined ? {} : { stalledInterval: o.stalledInterval }),
      ...(o.maxStalledCount === undefined ? {} : { maxStalledCount: o.maxStalledCount }),
    });
    worker.on('error', (error) => this.#logger.warn('worker error', { error: error.message }));
    worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids)
        this.#running.stop(id, 'lost', 'the job lock was lost: another worker takes over');
    });
    if (o.logger) {
      // only with a logger: these run once per job
      worker.on('active', (job: Job) => this.#logger.debug('work started', { jobId: job.id }));
      worker.on('failed', (job, error) =>
        this.#logger.info('work failed', { jobId: job?.id, error: error.message }),
      );
    }
    this.#worker = worker;
    void worker
      .run()
      .catch((error: unknown) => this.#logger.error('worker stopped', { error: String(error) }));
    await worker.waitUntilReady();
    if (this.#retention) {
      this.#janitor = new Janitor(
        { name: this.name, client: this.#redis.client, prefix },
        this.#retention,
        (error) => this.#logger.warn('could not remove old finished jobs', { error: String(error) }),
      );
      this.#janitor.start();
    }
  }

  /**
   * Whether this worker can take works now: started and not closing, Redis answering a PING, every
   * initialized plugin healthy (each check bounded). Never throws.
   */
  readiness(): Promise<Readiness> {
    const state = this.#closing !== undefined ? 'closing' : this.#worker === undefined ? 'starting' : 'ok';
    return checkReadiness(state, this.#redis.client, this.#executors?.health?.bind(this.#executors));
  }

  /** Removes the finished jobs past their retention now (workers also do it every `retention.every`). */
  async clean(): Promise<number> {
    await this.start();
    return (await this.#janitor?.clean()) ?? 0;
  }

  /** After a reconnect of the cancel channel: requests published meanwhile are read from the job flags. */
  async #recheckCancels(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    for (const id of this.#running.ids()) {
      const job = await this.#redis.client.hget(
        `${worker.opts.prefix ?? DEFAULT_PREFIX}:${this.name}:${id}`,
        'data',
      );
      try {
        const data = job ? (JSON.parse(job) as WorkJobData) : undefined;
        if (data?.cancel) this.#running.stop(id, 'cancel', `cancelled: ${data.cancel.reason}`);
      } catch {
        // unreadable data: the processor reports it
      }
    }
  }

  /**
   * Stops taking works, lets running ones finish within the grace period, hands the others back to
   * the queue (their executors are aborted and clean up first), then shuts the plugins down.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.graceMs ?? this.#options.graceMs ?? 30_000);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const worker = this.#worker;
    if (worker) {
      const timer = setTimeout(() => {
        if (this.#running.size > 0)
          this.#logger.info('grace period over: handing works back', { count: this.#running.size });
        this.#running.stopAll('shutdown', 'the worker is shutting down: the work goes back to the queue');
      }, graceMs);
      try {
        await worker.close();
      } finally {
        clearTimeout(timer);
      }
    }
    await this.#janitor?.stop();
    await this.#cancels?.close();
    await this.#executors?.shutdown({ timeoutMs: this.#options.shutdownTimeoutMs ?? 10_000 });
    await closeRedis(this.#redis);
  }

  /**
   * Closes gracefully on the first SIGTERM / SIGINT (a second one exits at once). Returns a function
   * that removes the handlers. `onClosed` runs once the worker is closed (e.g. to exit).
   */
  handleSignals(
    onClosed?: (signal: NodeJS.Signals) => void,
    signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
  ): () => void {
    let first: NodeJS.Signals | undefined;
    const handler = (signal: NodeJS.Signals): void => {
      if (first) {
        this.#logger.warn('second signal: exiting without waiting for running works', { signal });
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
      first = signal;
      this.#logger.info('closing: no new works, running ones finish or go back to the queue', { signal });
      void this.close().then(() => onClosed?.(signal));
    };
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  }
}
