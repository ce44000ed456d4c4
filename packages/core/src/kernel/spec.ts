import type { ValidationIssue } from '../errors';
import type { BackendSpan } from '../telemetry/backend-span';
import type { TelemetryAttributes } from '../telemetry/instruments';
import type { TraceCarrier } from '../telemetry/trace-context';
import type { LogLevel, LogSource, Work, WorkCapabilities, WorkContext } from '../types';
import type { ConfigOf, ConfigSchema } from './schema';

/** Writes a byte stream into the work's log, one entry per line (`\r\n`, split UTF-8 and long lines handled). */
export interface LineSink {
  write(chunk: Buffer | string): void;
  /** Emits the last line when it has no newline. */
  end(): void;
}

/** What `run` gets for one work. */
export interface RunContext<C, S> {
  /** `executor_config`, parsed by the spec's `config` schema (defaults applied). */
  readonly config: C;
  readonly work: Work;
  readonly context: WorkContext;
  /** What `setup` returned for this plugin instance. */
  readonly state: S;
  /**
   * Aborts on the caller's cancel, on `work.timeout` (registry), on `executor_config.timeout` and on
   * `shutdown()`. Stop the backend and settle; the kernel decides what the outcome is.
   */
  readonly signal: AbortSignal;
  /** `executor_config.timeout` in ms (the kernel enforces it; backends may use it as a deadline). */
  readonly timeoutMs: number | undefined;
  /** One log entry, masked, numbered and streamed live. `source` defaults to `executor`. */
  log(level: LogLevel, message: string, source?: LogSource, fields?: Record<string, unknown>): void;
  /** A line splitter into `log('info', line, source)`, for a process's or a container's output. */
  lines(source: 'stdout' | 'stderr'): LineSink;
  /**
   * Registers a value derived from a secret (an Authorization header, a base64 `user:password`, a
   * fetched token) so it is masked like the `writeOnly` fields. Call it before anything can print it.
   */
  secret(value: string | undefined): void;
  /** Masks every secret known so far in a string, an object or an error. */
  mask<T>(value: T): T;
  /**
   * Runs `fn` as the backend call's OpenTelemetry CLIENT span (a child of the work's span), with
   * semantic-convention `attributes` (masked; `undefined` left out). `fn` runs in the span's context:
   * `traceCarrier()` inside it is this span's. Without an SDK registered: `fn` with a no-op span.
   */
  span<T>(
    name: string,
    attributes: TelemetryAttributes,
    fn: (span: BackendSpan) => T | Promise<T>,
  ): Promise<T>;
  /**
   * W3C trace context to hand to the backend (`TRACEPARENT` env, a `traceparent` header or metadata):
   * the active span's, else the `traceparent` the work was given; `{}` with `propagate_trace: false`.
   */
  traceCarrier(): TraceCarrier;
}

/** What `run` resolves with: the kernel adds logs and timing. */
export interface RunOutcome {
  /** Default `true`. */
  success?: boolean;
  outputs?: Record<string, unknown>;
  /** Per-executor figures, camelCase (`exitCode`, `pullMs`). `attempts` (default 1) is read from here. */
  metrics?: Record<string, unknown>;
  /** Why it failed; required in spirit when `success` is false (default "the work failed"). */
  error?: string;
}

export interface ValidateArgs<C, S> {
  readonly config: C;
  readonly work: Work;
  readonly state: S;
}

export interface DryRunArgs<C, S> extends ValidateArgs<C, S> {
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
}

/** Everything an executor is: its identity, its config schema and what one run does. */
export interface ExecutorSpec<CS extends ConfigSchema, PS extends ConfigSchema, S> {
  /** `PluginInfo.name`: the npm package name. */
  name: string;
  version: string;
  /** The work type served, or `types` for several (the first one names the schema). */
  type?: string;
  types?: readonly string[];
  description: string;
  author?: string;
  homepage?: string;
  /** Shown in errors: `[ubom] [scope] message`. Default: the (first) type. */
  scope?: string;
  /** Schema of `executor_config` (zod or any Standard Schema with JSON Schema, or plain JSON Schema). */
  config: CS;
  /** `WorkSchema.version`. Default `1.0.0`. */
  schemaVersion?: string;
  /** JSON Schemas of `inputs` and `outputs`, when the executor documents them. */
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** Schema of `initialize(config)`; published through `getPluginConfigSchema()`. */
  pluginConfig?: PS;
  /** On top of the defaults: `cancel` and `streamLogs` true, `dryRun` true when `dryRun` is given. */
  capabilities?: Partial<WorkCapabilities>;
  /**
   * Builds the plugin's state (clients, pools) from its parsed plugin config. Called by `initialize`,
   * or with the default config on first use when nobody called `initialize`.
   */
  setup?: (args: { config: ConfigOf<PS> }) => S | Promise<S>;
  /** Releases the state, after every running work has been aborted and has settled. */
  teardown?: (state: S) => void | Promise<void>;
  /** Throws when the backend is not usable. */
  health?: (state: S) => void | Promise<void>;
  /** Rules the schema cannot express; no backend I/O. Runs before every work and in `validateWork`. */
  validate?: (args: ValidateArgs<ConfigOf<CS>, S>) => ValidationIssue[] | undefined;
  /** Checks against the backend without running (does the image exist?); `validateWork(w, { dryRun: true })`. */
  dryRun?: (args: DryRunArgs<ConfigOf<CS>, S>) => Promise<unknown>;
  /** Runs one work. Throw a `UbomError` when it could not be attempted; anything else becomes a `PluginError`. */
  run: (ctx: RunContext<ConfigOf<CS>, S>) => Promise<RunOutcome>;
}
