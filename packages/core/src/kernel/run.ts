import { TimeoutError } from '../errors';
import { LineSplitter } from '../logs/line-splitter';
import { LogCollector } from '../logs/log-collector';
import { toPluginError } from '../registry/guard';
import { MetricsClock, workResult } from '../result';
import { Masker } from '../secrets/masker';
import { backendSpan, type SpanOwner, traceCarrierOf } from '../telemetry/backend-span';
import type { ExecuteOptions, LogLevel, LogSource, WorkContext, WorkResult } from '../types';
import { abortErrorFrom, timeoutOf } from '../util/abort';
import { formatDuration } from '../util/duration';
import type { LineSink, RunContext, RunOutcome } from './spec';

const EMPTY = Masker.of([]);

interface WorkRunOptions {
  pluginName: string;
  scope: string;
  secrets: readonly string[];
  timeoutMs: number | undefined;
  options: ExecuteOptions;
  context: WorkContext;
  /** `executor_config.propagate_trace` (default true). */
  propagate: boolean;
}

/**
 * The life of one work inside an executor: its signal (caller, own timeout, shutdown), its masker
 * (config secrets plus derived ones), its log stream and clock, and the one decision of what the
 * outcome is once `run` settles.
 */
export class WorkRun {
  readonly controller = new AbortController();
  readonly #clock = new MetricsClock();
  readonly #logs: LogCollector;
  readonly #o: WorkRunOptions;
  #secrets: string[];
  #masker: Masker;
  #timer: NodeJS.Timeout | undefined;
  #spanOwner: SpanOwner | undefined;

  constructor(o: WorkRunOptions) {
    this.#o = o;
    this.#secrets = [...o.secrets];
    this.#masker = o.secrets.length > 0 ? Masker.of(o.secrets) : EMPTY;
    this.#logs = new LogCollector({ onLog: o.options.onLog });
    const outer = o.options.signal;
    outer?.addEventListener('abort', this, { once: true });
    if (o.timeoutMs !== undefined) {
      const ms = o.timeoutMs;
      this.#timer = setTimeout(
        () =>
          this.controller.abort(
            new TimeoutError(`timed out after ${formatDuration(ms)}`, ms, { scope: o.scope }),
          ),
        ms,
      );
    }
  }

  /** The caller's signal aborted: this run follows with the same reason. */
  handleEvent(): void {
    this.controller.abort(this.#o.options.signal?.reason);
  }

  /** The `RunContext` half the kernel provides. */
  tools(): Pick<
    RunContext<unknown, unknown>,
    'signal' | 'log' | 'lines' | 'secret' | 'mask' | 'span' | 'traceCarrier'
  > {
    return {
      signal: this.controller.signal,
      log: (level, message, source, fields) => this.log(level, message, source, fields),
      lines: (source) => this.#lines(source),
      secret: (value) => this.#addSecret(value),
      mask: (value) => this.#masker.deep(value),
      span: (name, attributes, fn) => backendSpan(this.#owner(), name, attributes, fn),
      traceCarrier: () => traceCarrierOf(this.#owner()),
    };
  }

  /** This run as its backend spans see it (made on first use). */
  #owner(): SpanOwner {
    this.#spanOwner ??= {
      scope: this.#o.pluginName,
      context: this.#o.context,
      propagate: this.#o.propagate,
      mask: (value) => this.#masker.deep(value),
    };
    return this.#spanOwner;
  }

  log(level: LogLevel, message: string, source: LogSource = 'executor', fields?: Record<string, unknown>) {
    const m = this.#masker;
    if (m.empty) this.#logs.add(level, source, message, fields);
    else this.#logs.add(level, source, m.string(message), fields && m.deep(fields));
  }

  /** Settles the run: a result, or the error to reject with (masked either way). */
  async finish(running: Promise<RunOutcome>): Promise<WorkResult> {
    let outcome: RunOutcome | undefined;
    let thrown: unknown;
    let failed = false;
    try {
      outcome = await running;
    } catch (error) {
      failed = true;
      thrown = error;
    } finally {
      clearTimeout(this.#timer);
      this.#o.options.signal?.removeEventListener('abort', this);
    }
    const signal = this.controller.signal;
    if (signal.aborted) {
      const timeoutMs = timeoutOf(signal.reason);
      if (timeoutMs === undefined) throw this.#masker.error(abortErrorFrom(signal, this.#o.scope));
      // finished before the timeout took effect: reported as it finished
      if (!failed && outcome?.success !== false) return this.#result(outcome ?? {});
      return this.#result({
        ...outcome,
        success: false,
        error: `timed out after ${formatDuration(timeoutMs)}`,
        metrics: { ...outcome?.metrics, timedOut: true },
      });
    }
    if (failed) {
      throw this.#masker.error(toPluginError(this.#o.pluginName, 'execute', thrown));
    }
    return this.#result(outcome ?? {});
  }

  #result(outcome: RunOutcome): WorkResult {
    const success = outcome.success !== false;
    const m = this.#masker;
    const error = success ? undefined : m.string(outcome.error ?? 'the work failed');
    if (error !== undefined) this.#logs.add('error', 'executor', error);
    const { attempts, ...metrics } = outcome.metrics ?? {};
    return workResult({
      success,
      outputs: !outcome.outputs ? {} : m.empty ? outcome.outputs : m.deep(outcome.outputs),
      logs: this.#logs.entries(),
      metrics: this.#clock.finish(metrics, typeof attempts === 'number' ? attempts : 1),
      error,
    });
  }

  #lines(source: 'stdout' | 'stderr'): LineSink {
    const splitter = new LineSplitter((line) => this.log('info', line, source));
    return { write: (chunk) => splitter.write(chunk), end: () => splitter.end() };
  }

  #addSecret(value: string | undefined): void {
    if (!value || this.#secrets.includes(value)) return;
    this.#secrets.push(value);
    this.#masker = Masker.of(this.#secrets);
  }
}
