import type { EnhancedWorkRegistry, Logger, SecretProvider } from '@ubom/core';
import type { RedisConnection } from '../shared/connection';
import type { SecretKey } from '../shared/sealing';
import type { PluginStatus } from './readiness';
import type { RetentionOptions } from './retention';

export interface WorkWorkerOptions {
  /** The queue to take works from (no `:`). */
  name: string;
  /** Redis URL, ioredis options, or an ioredis client (left open). Default `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** Redis key prefix shared with the producers. Default `bull`. */
  prefix?: string;
  /** The executors. Default: installed plugins, discovered by manifest and loaded on first use. */
  registry?: EnhancedWorkRegistry;
  /** Shut down with the worker (`shutdownAll`), e.g. the `DefaultPluginLoader` you built `registry` from. */
  loader?: PluginShutdown;
  /**
   * Where this worker resolves `{ "$secret": "NAME" }` references when no `registry` is given
   * (`envSecrets()`, `fileSecrets()`…): producers then carry references, never values.
   */
  secrets?: SecretProvider[];
  /** Folders discovery searches from when no `registry` is given. Default: the current directory. */
  discoverFrom?: string[];
  /** Works run at once by this worker. Default 1. */
  concurrency?: number;
  /** Key(s) that decrypt sealed configs; the first must be the producers' `secretKey`. */
  secretKey?: SecretKey | readonly SecretKey[];
  /** On close / SIGTERM, how long running works may take to finish before they are handed back. Default 30 s. */
  graceMs?: number;
  /** Bound of the plugins' `shutdownAll` after the works are done. Default 10 s. */
  shutdownTimeoutMs?: number;
  /** How long a job's lock lasts without renewal; a dead worker's job is recovered after it. Default 30 s. */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs (of dead workers). Default 30 s. */
  stalledInterval?: number;
  /** How many times a job may stall before it is failed instead of recovered. Default 1. */
  maxStalledCount?: number;
  /**
   * How long finished jobs stay in Redis (results, logs, idempotency of job ids), and how often this
   * worker removes older ones. Default: completed 24 h, failed 7 days, every minute. `false`: keep them.
   */
  retention?: RetentionOptions | false;
  /**
   * OpenTelemetry through BullMQ's add-on (`bullmq-otel`): a CONSUMER span per job, child of the
   * producer's span carried in the job, around the registry's work span. Default true.
   */
  telemetry?: boolean;
  /** Receives the worker's own events (job started / done / handed back, Redis errors). */
  logger?: Logger;
}

/** What the worker needs of a plugin loader: `DefaultPluginLoader` fits. */
export interface PluginShutdown {
  shutdownAll(options?: { timeoutMs?: number }): Promise<unknown>;
  /** Health of the initialized plugins, for `readiness()` (`/readyz`). */
  healthCheckAll?(): Promise<PluginStatus[]>;
}
