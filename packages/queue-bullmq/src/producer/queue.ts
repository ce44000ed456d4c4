import type { EnhancedWorkRegistry, Work, WorkContext } from '@ubom/core';
import { type JobsOptions, Queue } from 'bullmq';
import {
  closeRedis,
  DEFAULT_PREFIX,
  type OpenedRedis,
  openRedis,
  type RedisConnection,
  whenConnected,
} from '../shared/connection';
import { toJobData, type WorkJobData } from '../shared/job-data';
import { defaultJobId } from '../shared/job-id';
import { queueName } from '../shared/names';
import { asRedisError } from '../shared/redis-error';
import { ConfigSealer, type SecretKey } from '../shared/sealing';
import { bullmqTelemetry } from '../shared/telemetry';
import { inGivenTrace } from '../shared/trace-context';
import { checkWork } from './check-work';
import type { QueueContext } from './context';
import { EventsHub } from './events';
import { cancelJob, WorkHandle } from './handle';
import { type EnqueueOptions, toJobsOptions } from './options';
import { type QueueStatus, queueStatus } from './status';

export interface WorkQueueOptions {
  /** The queue name (no `:`); workers of the same name take its works. */
  name: string;
  /** Redis URL, ioredis options, or an ioredis client (left open). Default `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** Redis key prefix shared with the workers. Default `bull`. */
  prefix?: string;
  /** Encrypts each work's `executor_config` (AES-256-GCM) before it reaches Redis; workers need the same key. */
  secretKey?: SecretKey | readonly SecretKey[];
  /** Validates works before they are queued, and finds their secrets (refused without `secretKey`). */
  registry?: EnhancedWorkRegistry;
  /** Options applied to every `enqueue` (its own options win). */
  defaults?: EnqueueOptions;
  /** Log rows kept per job (older ones are trimmed). Default 1000. */
  keepLogs?: number;
  /** How long a call waits for Redis to be reachable before it throws `UnavailableError`. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * OpenTelemetry through BullMQ's add-on (`bullmq-otel`): a PRODUCER span per enqueue, its trace
   * context carried in the job to the worker. No-ops while no SDK is registered. Default true.
   */
  telemetry?: boolean;
}

/** The producer side: puts works on a BullMQ queue and hands back a `WorkHandle` for each. */
export class WorkQueue {
  readonly name: string;
  readonly #options: WorkQueueOptions;
  readonly #redis: OpenedRedis;
  readonly #ctx: QueueContext;
  readonly #sealer: ConfigSealer | undefined;
  readonly #keepLogs: number;

  constructor(options: WorkQueueOptions) {
    this.name = queueName(options.name);
    this.#options = options;
    this.#sealer = options.secretKey === undefined ? undefined : new ConfigSealer(options.secretKey);
    this.#keepLogs = options.keepLogs ?? 1000;
    this.#redis = openRedis(options.connection, 'producer');
    this.#redis.client.on('error', () => {}); // surfaced by the command that failed
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const telemetry = bullmqTelemetry(options.telemetry);
    const queue = new Queue(this.name, {
      connection: this.#redis.client,
      prefix,
      ...(telemetry ? { telemetry } : {}),
    });
    queue.on('error', () => {});
    const client = this.#redis.client;
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#ctx = {
      name: this.name,
      prefix,
      queue,
      client,
      hub: new EventsHub(client, this.name, prefix),
      connected: (what) => whenConnected(client, connectTimeoutMs, what),
    };
  }

  /**
   * Queues `work` and returns its handle. Idempotent: the job id defaults to the work id plus
   * `@runId`, and a job id already present (waiting, running or finished and still kept) is not
   * queued again: the handle points at the existing job. Throws `ValidationError` (all problems, with
   * paths) before anything reaches Redis, `UnavailableError` when Redis cannot be reached.
   */
  async enqueue(work: Work, context: WorkContext = {}, options: EnqueueOptions = {}): Promise<WorkHandle> {
    const { jobs, retryOn } = toJobsOptions({ ...this.#options.defaults, ...options });
    await checkWork(work, context, this.#options.registry, this.#sealer !== undefined);
    const jobId = jobs.jobId ?? defaultJobId(work, context);
    const data: WorkJobData = toJobData(work, context, this.#sealer, retryOn);
    const opts: JobsOptions = {
      ...jobs,
      jobId,
      keepLogs: this.#keepLogs,
      // no removeOnComplete / removeOnFail: workers remove finished jobs (see WorkWorker `retention`)
    };
    try {
      await this.#ctx.connected(`could not queue work "${work.id}"`);
      await inGivenTrace(context, () => this.#ctx.queue.add(work.type, data, opts));
    } catch (cause) {
      throw asRedisError(cause, `could not queue work "${work.id}"`);
    }
    return this.handle(jobId);
  }

  /** The handle of a job queued earlier (here or by another process). */
  handle(jobId: string): WorkHandle {
    return new WorkHandle(this.#ctx, jobId);
  }

  /** Same as `handle(jobId).cancel(reason)`. */
  cancel(jobId: string, reason = 'cancelled by the producer'): Promise<boolean> {
    return cancelJob(this.#ctx, jobId, reason);
  }

  /** Counts by state, workers connected, paused or not. */
  status(): Promise<QueueStatus> {
    return queueStatus(this.#ctx);
  }

  /** Closes the queue's connections (a client passed in stays open). */
  async close(): Promise<void> {
    await this.#ctx.hub.close();
    await this.#ctx.queue.close().catch(() => undefined);
    await closeRedis(this.#redis);
  }
}
