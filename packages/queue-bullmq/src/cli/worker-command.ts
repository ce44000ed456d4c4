import { type Logger, ValidationError } from '@ubom/core';
import { redact } from '../shared/connection';
import { serveWorkerEndpoints, type WorkerEndpoints } from '../worker/endpoints';
import type { WorkWorkerOptions } from '../worker/options';
import type { RetentionOptions } from '../worker/retention';
import { WorkWorker } from '../worker/worker';
import { type ConnectionFlags, connectionOf, durationMs, positiveInt } from './flags';
import { EXIT, type Resolved } from './io';

export interface WorkerFlags extends ConnectionFlags {
  concurrency?: string;
  grace?: string;
  keepCompleted?: string;
  keepFailed?: string;
  metricsPort?: string;
  metricsHost?: string;
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw ValidationError.single('--metrics-port', `must be a port number (0 to 65535), got "${value}"`);
  return n;
}

/** One line per event on stderr: `[ubom] [worker] message key=value …`. */
function lineLogger(stderr: Resolved['io']['stderr']): Logger {
  const write = (message: string, fields?: Record<string, unknown>): void => {
    const extra = Object.entries(fields ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('');
    stderr.write(`[ubom] [worker] ${message}${extra}\n`);
  };
  return { debug: () => {}, info: write, warn: write, error: write };
}

/** `ubom worker`: runs works from a queue until SIGTERM / SIGINT, then drains and exits 0. */
export async function workerCommand(flags: WorkerFlags, r: Resolved): Promise<void> {
  const conn = connectionOf(flags, r.io);
  const concurrency = positiveInt(flags.concurrency, '--concurrency') ?? 1;
  const graceMs = durationMs(flags.grace, '--grace') ?? 30_000;
  const logger = lineLogger(r.io.stderr);
  // unset (only when called without commander's defaults): the worker's defaults
  const retention: RetentionOptions = {};
  const completed = durationMs(flags.keepCompleted, '--keep-completed');
  const failed = durationMs(flags.keepFailed, '--keep-failed');
  if (completed !== undefined) retention.completed = completed;
  if (failed !== undefined) retention.failed = failed;
  const metricsPort = port(flags.metricsPort);
  const options: WorkWorkerOptions = { ...conn, concurrency, graceMs, logger, retention };
  const telemetry = await r.telemetry({ command: 'worker', prometheus: metricsPort !== undefined });
  let endpoints: WorkerEndpoints | undefined;
  try {
    if (r.loadExecutors) {
      const executors = await r.loadExecutors();
      options.registry = executors.registry;
      options.loader = {
        shutdownAll: () => executors.shutdown(),
        ...(executors.health ? { healthCheckAll: executors.health } : {}),
      };
    }
    const worker = new WorkWorker(options);
    const closed = new Promise<void>((resolve) => {
      if (r.handleSignals) worker.handleSignals(() => resolve());
    });
    try {
      // before start: /healthz answers, and /readyz says why not while Redis is out of reach
      if (metricsPort !== undefined) {
        endpoints = await serveWorkerEndpoints({
          port: metricsPort,
          ...(flags.metricsHost ? { host: flags.metricsHost } : {}),
          worker,
          ...(telemetry.metrics ? { metrics: telemetry.metrics } : {}),
        });
      }
      await worker.start();
    } catch (error) {
      await worker.close({ graceMs: 0 });
      throw error;
    }
    logger.info('ready', {
      queue: worker.name,
      redis: redact(conn.connection),
      concurrency,
      sealed: conn.secretKey ? 'yes' : 'no',
      metrics: endpoints?.url,
    });
    await closed;
    logger.info('stopped', { queue: worker.name });
    r.setExitCode(EXIT.ok);
  } finally {
    await endpoints?.close();
    await telemetry.shutdown();
  }
}
