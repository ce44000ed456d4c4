/** A JSON Schema document (draft 2020-12). Kept loose on purpose: third-party plugins hand-write theirs. */
export type JSONSchema = { [key: string]: unknown } | boolean;

/** layer0.WorkType: the name of a kind of work, e.g. `"docker"`, `"grpc"`, `"serverless"`, `"process"`. */
export type WorkType = string;

/** layer0.Work: one step handed over by a workflow engine. */
export interface Work {
  /** The JSON Schema of a work file, for editors (`ubom schema --work`); ignored when run. */
  $schema?: string;
  id: string;
  type: WorkType;
  name?: string;
  executor_config: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  /** Go-style duration (`"30s"`, `"1m30s"`) or milliseconds. Enforced by `EnhancedWorkRegistry.execute`. */
  timeout?: string | number;
  labels?: Record<string, string>;
}

/**
 * `executor_config` input types by work type. Executor packages add theirs, so a work written in
 * TypeScript is checked at compile time:
 * `declare module '@ubom/core' { interface WorkTypes { docker: DockerConfigInput } }`.
 * Types nobody declared stay `Record<string, unknown>` (third-party plugins work before they augment).
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by executor packages
export interface WorkTypes {}

// distributed over a union config (serverless: aws | gcp | azure): a key is unknown when no member has it
type Exactly<Given, Expected> = Expected extends unknown
  ? Expected & { [K in Exclude<keyof Given, keyof Expected>]: never }
  : never;

/**
 * `W`, with its `executor_config` checked against `WorkTypes[W['type']]` when that type is declared:
 * a missing, mistyped or unknown key is a compile error. Works of other types are taken as they are.
 */
export type CheckedWork<W extends Work> = W['type'] extends keyof WorkTypes
  ? W & { executor_config: Exactly<W['executor_config'], WorkTypes[W['type']]> }
  : W;

/** A work written in TypeScript, checked against its type's config (see `WorkTypes`); returns it as is. */
export function defineWork<const W extends Work>(work: CheckedWork<W>): W {
  return work as W;
}

/** layer0.Context: where a work runs within a workflow. */
export interface WorkContext {
  workflowId?: string;
  runId?: string;
  attempt?: number;
  variables?: Record<string, unknown>;
  /**
   * W3C trace context of the caller (`00-<trace id>-<span id>-<flags>`): the work's span is its child.
   * An engine that traces hands its context over here (a queue job, `TRACEPARENT` of the CLI). With an
   * OpenTelemetry SDK registered, the executor receives the work span's own context here.
   */
  traceparent?: string;
  /** W3C `tracestate` that goes with `traceparent`. */
  tracestate?: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogSource = 'stdout' | 'stderr' | 'executor';

export interface LogEntry {
  /** ISO 8601 */
  timestamp: string;
  level: LogLevel;
  message: string;
  source?: LogSource;
  /** Position of the entry within its work, from 0, so consumers can detect gaps. */
  seq?: number;
  fields?: Record<string, unknown>;
}

export interface ExecutionMetrics {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  attempts: number;
  [key: string]: unknown;
}

export interface WorkResult {
  success: boolean;
  outputs: Record<string, unknown>;
  logs: LogEntry[];
  metrics: ExecutionMetrics;
  error?: string;
}

/** The Go `ctx context.Context`, plus a live log callback. */
export interface ExecuteOptions {
  signal?: AbortSignal;
  onLog?: (entry: LogEntry) => void;
}

export interface WorkSchema {
  type: WorkType;
  version: string;
  /** JSON Schema of `executor_config`. Fields marked `writeOnly: true` are secrets. */
  config: JSONSchema;
  inputs?: JSONSchema;
  outputs?: JSONSchema;
}

export interface WorkCapabilities {
  /** Honours `options.signal`: stops the work and cleans up. */
  cancel: boolean;
  /** Calls `options.onLog` while the work runs. */
  streamLogs: boolean;
  /** Can validate a work against its backend without running it. */
  dryRun: boolean;
  [capability: string]: boolean;
}

export interface WorkMetadata {
  name: string;
  description: string;
  version: string;
  capabilities: WorkCapabilities;
}

export interface PluginInfo {
  name: string;
  version: string;
  apiVersion: number;
  description?: string;
  author?: string;
  homepage?: string;
}

/** The main executor contract (Go `EnhancedWorkExecutor`). */
export interface EnhancedWorkExecutor {
  execute(work: Work, workContext: WorkContext, options?: ExecuteOptions): Promise<WorkResult>;
  /** Throws `ValidationError`. Async only where a check needs I/O. */
  validate(work: Work): void | Promise<void>;
  getSchema(): WorkSchema;
  getMetadata(): WorkMetadata;
  canExecute(type: WorkType): boolean;
  getSupportedTypes(): WorkType[];
}

/** An executor with a lifecycle, loadable from its own package (Go `ExternalWorkPlugin`). */
export interface ExternalWorkPlugin extends EnhancedWorkExecutor {
  initialize(config: Record<string, unknown>): Promise<void>;
  shutdown(): Promise<void>;
  /** Resolves when healthy, throws when not. */
  healthCheck(): Promise<void>;
  getPluginInfo(): PluginInfo;
}

export type PluginFactory = () => ExternalWorkPlugin | Promise<ExternalWorkPlugin>;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The plugin API version this core speaks. Plugins declare theirs in `package.json` `ubom.apiVersion`. */
export const API_VERSION = 1;
export const SUPPORTED_API_VERSIONS: readonly number[] = [1];
