export {
  type CommandTelemetry,
  type QueueCommandsOptions,
  registerQueueCommands,
  type TelemetryRequest,
} from './cli/register';
export type { WaitOptions } from './producer/await-job';
export { WorkHandle, type WorkState } from './producer/handle';
export type { Backoff, EnqueueOptions } from './producer/options';
export { WorkQueue, type WorkQueueOptions } from './producer/queue';
export type { QueueStatus } from './producer/status';
export { DEFAULT_PREFIX, DEFAULT_REDIS_URL, type RedisConnection } from './shared/connection';
export type { ErrorDescriptor } from './shared/error-descriptor';
export type { RetryOn, WorkJobData } from './shared/job-data';
export { defaultJobId } from './shared/job-id';
export type { LogRow, WorkProgress } from './shared/progress';
export type { SealedConfig, SecretKey } from './shared/sealing';
export {
  serveWorkerEndpoints,
  type WorkerEndpoints,
  type WorkerEndpointsOptions,
} from './worker/endpoints';
export { discoverExecutors, type WorkerExecutors } from './worker/executors';
export type { PluginShutdown, WorkWorkerOptions } from './worker/options';
export type { PluginStatus, Readiness } from './worker/readiness';
export type { RetentionOptions } from './worker/retention';
export { type CloseOptions, WorkWorker } from './worker/worker';
