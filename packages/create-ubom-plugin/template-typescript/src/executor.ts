import { createHmac } from 'node:crypto';
import {
  AbortError,
  API_VERSION,
  BasePlugin,
  type ExecuteOptions,
  formatDuration,
  LogCollector,
  MetricsClock,
  sleep,
  throwIfAborted,
  ValidationError,
  type Work,
  type WorkContext,
  type WorkResult,
  workResult,
} from '@ubom/core';
import { description, name, version } from '../package.json';
import { configSchema, MAX_RUN_MS, readConfig } from './config';
import { transformMessage } from './transform';

/** The work type this plugin serves; it must match `ubom.workTypes` in package.json. */
export const WORK_TYPE = 'UBOM_WORK_TYPE';
/** Errors read `[ubom] [UBOM_WORK_TYPE] message`. */
const SCOPE = WORK_TYPE;

/**
 * Prints a message a few times with a pause between lines, streaming each line as it goes.
 * Stands in for real work (a call to a service, a job on a cluster): the shape stays the same.
 */
export class UbomTemplateExecutor extends BasePlugin {
  /** Works in flight, so that `shutdown()` can stop them. */
  readonly #running = new Set<AbortController>();

  constructor() {
    super(
      { name, version, apiVersion: API_VERSION, description },
      {
        name: WORK_TYPE,
        description,
        version,
        // cancel: honours `options.signal`; streamLogs: lines go through `onLog` as they are printed.
        capabilities: { cancel: true, streamLogs: true, dryRun: false },
      },
      { type: WORK_TYPE, version: '1.0.0', config: configSchema },
    );
  }

  /** How many works are running right now (0 once every work has settled). */
  get activeWorks(): number {
    return this.#running.size;
  }

  /** Rules the schema cannot express. The core has already checked the work against `configSchema`. */
  override validate(work: Work): void {
    const config = readConfig(work.executor_config);
    const runMs = (config.repeat - 1) * config.delayMs;
    if (runMs > MAX_RUN_MS) {
      throw ValidationError.single(
        'executor_config.repeat',
        `repeat × delay must stay under ${formatDuration(MAX_RUN_MS)}, got ${formatDuration(runMs)}`,
        { scope: SCOPE },
      );
    }
  }

  async execute(work: Work, _workContext: WorkContext, options: ExecuteOptions = {}): Promise<WorkResult> {
    throwIfAborted(options.signal, SCOPE);
    const config = readConfig(work.executor_config);
    const clock = new MetricsClock();
    const logs = new LogCollector({ onLog: options.onLog });
    // Aborted by the caller's signal (cancel, work.timeout) or by shutdown().
    const controller = new AbortController();
    const forward = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', forward, { once: true });
    this.#running.add(controller);
    try {
      const line = transformMessage(config.message, config.transform);
      logs.info(`printing ${config.repeat} line(s), ${formatDuration(config.delayMs)} apart`);
      for (let n = 1; n <= config.repeat; n++) {
        if (n > 1) await sleep(config.delayMs, controller.signal);
        logs.add('info', 'stdout', line, { line: n });
      }
      const outputs: Record<string, unknown> = { message: line, lines: config.repeat };
      if (config.token !== undefined) {
        outputs.signature = createHmac('sha256', config.token).update(line).digest('hex');
      }
      return workResult({ success: true, outputs, logs: logs.entries(), metrics: clock.finish() });
    } finally {
      this.#running.delete(controller);
      options.signal?.removeEventListener('abort', forward);
    }
  }

  /** Stops the works still running: each rejects with an AbortError. */
  override async shutdown(): Promise<void> {
    for (const controller of this.#running) {
      controller.abort(new AbortError('the plugin is shutting down', { scope: SCOPE }));
    }
  }
}
