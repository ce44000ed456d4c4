import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeSDK, metrics as sdkMetrics } from '@opentelemetry/sdk-node';
import pkg from '../package.json';
import { withUnitSuffixes } from './prometheus-names';

/** What a command gets from `startTelemetry`. */
export interface CommandTelemetry {
  /** Serves the Prometheus text of the metrics (set when `prometheus` was asked for). */
  metrics?: (request: IncomingMessage, response: ServerResponse) => void;
  /** Flushes what is buffered and shuts the SDK down, bounded by `SHUTDOWN_BOUND_MS`; never throws. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  /** The environment the `OTEL_*` variables are read from (the SDK itself reads `process.env`). */
  env: NodeJS.ProcessEnv;
  /** Also read the metrics through a Prometheus exporter whose handler the command serves. */
  prometheus?: boolean;
  /**
   * Where a flush that failed or did not finish in time is reported, and a metric-reader variable
   * that is ignored (an unknown OTLP protocol, an export interval or timeout that is not a number).
   */
  warn: (line: string) => void;
}

/** How long a command may spend flushing telemetry on its way out. */
export const SHUTDOWN_BOUND_MS = 5000;

const NOOP: CommandTelemetry = { shutdown: async () => {} };

/** Variables that ask for telemetry on their own; everything else only tunes it once it is on. */
const SWITCHES = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_SERVICE_NAME',
];

const isNone = (value: string | undefined): boolean =>
  value === undefined || value.split(',').some((v) => v.trim().toLowerCase() === 'none');

/**
 * Whether the `OTEL_*` variables ask for the SDK. The specification's defaults (`otlp` to
 * localhost:4318 for every signal) are right for a service, not for a command run by hand, so the
 * SDK starts only when one of `SWITCHES` is set; then the specification's defaults fill in the rest.
 * `OTEL_SDK_DISABLED=true` wins, and so does `none` for every signal.
 */
export function telemetryRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (!SWITCHES.some((name) => (env[name] ?? '').trim() !== '')) return false;
  const signals = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'] as const;
  return !signals.every((name) => env[name] !== undefined && isNone(env[name]));
}

/**
 * Sets up the OpenTelemetry Node SDK for one command when the `OTEL_*` variables ask for it (or when a
 * Prometheus endpoint is wanted), else does nothing and loads nothing: the SDK packages are imported
 * here, on demand, so a command without telemetry never pays for them.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<CommandTelemetry> {
  const fromEnv = telemetryRequested(options.env);
  if (!fromEnv && !options.prometheus) return NOOP;
  const sdkNode = await import('@opentelemetry/sdk-node');
  const { resources } = sdkNode;
  const exporter = options.prometheus ? await import('@opentelemetry/exporter-prometheus') : undefined;
  const prometheus = exporter && new exporter.PrometheusExporter({ preventServerStart: true });
  const config: ConstructorParameters<typeof NodeSDK>[0] = {
    // service.name `ubom` unless OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES say otherwise (the env
    // detector's attributes are merged over this base)
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ 'service.name': 'ubom', 'service.version': pkg.version })),
  };
  if (!fromEnv) {
    // a Prometheus endpoint only: no traces, no logs, no other metric reader
    Object.assign(config, { spanProcessors: [], logRecordProcessors: [], textMapPropagator: null });
  }
  if (prometheus) {
    config.metricReaders = [
      prometheus,
      ...(fromEnv ? await envMetricReaders(options.env, options.warn) : []),
    ];
  }
  const sdk = new sdkNode.NodeSDK(config);
  sdk.start();
  const telemetry: CommandTelemetry = {
    shutdown: () => boundedShutdown(sdk, options.warn),
  };
  if (exporter && prometheus) {
    const serializer = new exporter.PrometheusSerializer();
    telemetry.metrics = (_req, res) => {
      prometheus.collect().then(
        ({ resourceMetrics }) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(serializer.serialize(withUnitSuffixes(resourceMetrics)));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`# failed to collect metrics: ${String(error)}\n`);
        },
      );
    };
  }
  return telemetry;
}

/**
 * The readers OTEL_METRICS_EXPORTER asks for, beside the Prometheus endpoint (the SDK builds these
 * itself only when it is given no reader, so they are built here as it would: public packages only).
 * `prometheus` there is the endpoint already served. A value the SDK would only report through its
 * diagnostic logger (not set up yet at this point) is reported through `warn`.
 */
async function envMetricReaders(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): Promise<sdkMetrics.IMetricReader[]> {
  const names = (env.OTEL_METRICS_EXPORTER ?? 'otlp').split(',').map((v) => v.trim().toLowerCase());
  if (names.includes('none')) return [];
  const { metrics } = await import('@opentelemetry/sdk-node');
  const readers: sdkMetrics.IMetricReader[] = [];
  for (const name of new Set(names.map((n) => n || 'otlp'))) {
    if (name === 'otlp') {
      readers.push(
        new metrics.PeriodicExportingMetricReader({
          exporter: await otlpMetricExporter(env, warn),
          ...exportSchedule(env, warn),
        }),
      );
    } else if (name === 'console') {
      readers.push(
        new metrics.PeriodicExportingMetricReader({ exporter: new metrics.ConsoleMetricExporter() }),
      );
    }
  }
  return readers;
}

/**
 * The OTLP metric exporter of the protocol asked for (OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, else
 * OTEL_EXPORTER_OTLP_PROTOCOL, else the specification's `http/protobuf`), only that one package
 * imported. Each exporter reads its own endpoint, headers, timeout, compression, TLS files and
 * temporality preference from the `OTEL_EXPORTER_OTLP_*` variables.
 */
async function otlpMetricExporter(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): Promise<sdkMetrics.PushMetricExporter> {
  const protocol =
    env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL?.trim() ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
    'http/protobuf';
  switch (protocol) {
    case 'grpc':
      return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter();
    case 'http/protobuf':
      break;
    default:
      warn(`[ubom] telemetry: unsupported OTLP metrics protocol "${protocol}"; using http/protobuf`);
  }
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
}

/**
 * OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT in milliseconds (specification defaults
 * 60000 / 30000; a value that is not a positive number is ignored), the timeout no longer than the
 * interval (the reader refuses one that is).
 */
function exportSchedule(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): {
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
} {
  const exportIntervalMillis = positiveMillis(env, 'OTEL_METRIC_EXPORT_INTERVAL', warn) ?? 60_000;
  const exportTimeoutMillis = positiveMillis(env, 'OTEL_METRIC_EXPORT_TIMEOUT', warn) ?? 30_000;
  return { exportIntervalMillis, exportTimeoutMillis: Math.min(exportTimeoutMillis, exportIntervalMillis) };
}

function positiveMillis(
  env: NodeJS.ProcessEnv,
  name: string,
  warn: (line: string) => void,
): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  warn(`[ubom] telemetry: ${name}=${raw} is not a number of milliseconds above 0; using the default`);
  return undefined;
}

async function boundedShutdown(sdk: NodeSDK, warn: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), SHUTDOWN_BOUND_MS);
  });
  try {
    const outcome = await Promise.race([sdk.shutdown().then(() => 'done' as const), late]);
    if (outcome === 'late')
      warn(`[ubom] telemetry: the last export did not finish within ${SHUTDOWN_BOUND_MS / 1000}s; dropped`);
  } catch (error) {
    warn(
      `[ubom] telemetry: the last export failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
