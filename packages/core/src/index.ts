export {
  CONFIG_FILE_NAME,
  findConfigFile,
  type LoadConfigOptions,
  loadConfig,
  pluginConfigIssues,
  type SecretSourceConfig,
  secretProvidersOf,
  type UbomConfig,
} from './config/load-config';
export { UBOM_CONFIG_SCHEMA } from './config/schema';
export * from './errors';
export { defineExecutor } from './kernel/define';
export { KernelPlugin } from './kernel/plugin';
export type {
  ConfigInputOf,
  ConfigOf,
  ConfigSchema,
  KernelConfigKeys,
  StandardConfigSchema,
} from './kernel/schema';
export type {
  DryRunArgs,
  ExecutorSpec,
  LineSink,
  RunContext,
  RunOutcome,
  ValidateArgs,
} from './kernel/spec';
export {
  BackwardCompatibilityAdapter,
  WorkExecutionCore,
  type WorkExecutor,
  WorkFailedError,
} from './layer1';
export { LineSplitter, type LineSplitterOptions } from './logs/line-splitter';
export { LogCollector, type LogCollectorOptions } from './logs/log-collector';
export { TailBuffer } from './logs/tail-buffer';
export { BasePlugin } from './plugin/base-plugin';
export {
  type DiscoveredPlugin,
  type DiscoveredStatus,
  type DiscoverOptions,
  type DiscoveryRoot,
  discoverPlugins,
} from './plugin/discovery';
export {
  type DiscoveredExecutors,
  type DiscoveredExecutorsOptions,
  openDiscoveredExecutors,
} from './plugin/executors';
export { loadDiscoveredPlugin } from './plugin/load';
export {
  DefaultPluginLoader,
  type PluginHealth,
  type PluginLoaderOptions,
  type ShutdownOptions,
} from './plugin/loader';
export { silentLogger } from './plugin/logger';
export {
  isPluginPackageName,
  type ManifestProblem,
  manifestProblem,
  type PluginManifest,
} from './plugin/manifest';
export type { EnhancedWorkRegistryOptions, ValidateOptions } from './registry/options';
export { EnhancedWorkRegistry } from './registry/registry';
export { MetricsClock, type ResultParts, workResult } from './result';
export { MASK, Masker, MIN_MASKED_LENGTH } from './secrets/masker';
export { envSecrets, fileSecrets, type SecretProvider } from './secrets/providers';
export { findSecretReferences, SECRET_NAME_PATTERN, type SecretReference } from './secrets/references';
export { compileSecretExtractor, type SecretExtractor } from './secrets/secret-plan';
export {
  activeTraceCarrier,
  type BackendSpan,
} from './telemetry/backend-span';
export {
  defineCounter,
  defineHistogram,
  defineUpDownCounter,
  type InstrumentOptions,
  type TelemetryAttributes,
  type TelemetryAttributeValue,
  type TelemetryCounter,
  type TelemetryHistogram,
} from './telemetry/instruments';
export { tracerProviderRegistered, UBOM_TELEMETRY_SCOPE } from './telemetry/providers';
export { type ParsedTraceparent, parseTraceparent, type TraceCarrier } from './telemetry/trace-context';
export { WORK_DURATION_METRIC, WORKS_ACTIVE_METRIC, type WorkOutcome } from './telemetry/work-telemetry';
export * from './types';
export { abortErrorFrom, sleep, throwIfAborted, timeoutOf } from './util/abort';
export {
  DURATION_PATTERN,
  durationProblem,
  formatDuration,
  MAX_DURATION_MS,
  parseDuration,
} from './util/duration';
export { LruCache } from './util/lru';
export { parseSize, SIZE_PATTERN } from './util/size';
export { lastLines } from './util/text';
export { createAjv } from './validation/ajv';
export { boundsIssues, MAX_DEPTH, MAX_WORK_SIZE } from './validation/bounds';
export { joinPath } from './validation/describe';
export { mergeNearMisses } from './validation/near-miss';
export { SchemaValidator, type SecretValues } from './validation/schema-validator';
export { editDistance, suggest } from './validation/suggest';
export { unknownKeyMessage } from './validation/unknown-key';
