import type {
  Attributes,
  Histogram,
  Meter,
  Span,
  SpanKind,
  SpanStatusCode,
  Tracer,
} from '@opentelemetry/api';
import { AbortError } from '../errors';
import type { Work, WorkContext, WorkResult } from '../types';
import { parseDuration } from '../util/duration';
import { type Otel, registeredOtel } from './otel';
import { activeMeter, activeTracer, UBOM_TELEMETRY_SCOPE } from './providers';
import { carrierOf, parseTraceparent, remoteSpanContext, type TraceCarrier } from './trace-context';

export const WORK_DURATION_METRIC = 'ubom.work.duration';
export const WORKS_ACTIVE_METRIC = 'ubom.works.active';

/** `ubom.work.outcome`: resolved success / resolved `success: false` / rejected / timed out / cancelled. */
export type WorkOutcome = 'success' | 'failure' | 'error' | 'timeout' | 'cancelled';

// seconds: from a quick call to an hour-long container
const DURATION_BOUNDARIES = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];

function spanAttributes(work: Partial<Work>, type: string, wc: WorkContext): Attributes {
  const attributes: Attributes = { 'ubom.work.type': type };
  if (typeof work.id === 'string') attributes['ubom.work.id'] = work.id;
  if (typeof work.name === 'string') attributes['ubom.work.name'] = work.name;
  if (typeof wc.workflowId === 'string') attributes['ubom.workflow.id'] = wc.workflowId;
  if (typeof wc.runId === 'string') attributes['ubom.run.id'] = wc.runId;
  if (typeof wc.attempt === 'number') attributes['ubom.attempt'] = wc.attempt;
  return attributes;
}

/** `wc` with the work span's trace context in place of the one it was given. */
function withCarrier(wc: WorkContext, carrier: TraceCarrier): WorkContext {
  // assigned one by one: spreading the carrier in cost microseconds per work (measured)
  const out: WorkContext = Object.assign({}, wc);
  if (carrier.traceparent !== undefined) out.traceparent = carrier.traceparent;
  if (carrier.tracestate !== undefined) out.tracestate = carrier.tracestate;
  else if (out.tracestate !== undefined) delete out.tracestate;
  return out;
}

/** The outcome of a settled work, as the registry reported it. */
function outcomeOf(settled: { result: WorkResult } | { error: unknown }): WorkOutcome {
  if ('error' in settled) return settled.error instanceof AbortError ? 'cancelled' : 'error';
  if (settled.result.success) return 'success';
  return settled.result.metrics?.timedOut === true ? 'timeout' : 'failure';
}

// Works in flight by type, counted here and observed by the SDK when it collects (an observable
// up-down counter): two map updates per work instead of two recordings, each hashing its attributes.
const inFlight = new Map<string, number>();

/** The registry's span and metrics for one work, for the SDK registered now (kept while it stays). */
export class WorkTelemetry {
  readonly tracer: Tracer | undefined;
  readonly meter: Meter | undefined;
  readonly #api: Otel;
  // the API's members, read once: each is a getter of its CommonJS build
  readonly #context: Otel['context'];
  readonly #trace: Otel['trace'];
  readonly #internal: SpanKind;
  readonly #error: SpanStatusCode;
  readonly #valid: Otel['isSpanContextValid'];
  readonly #duration: Histogram | undefined;

  constructor(api: Otel, tracer: Tracer | undefined, meter: Meter | undefined) {
    this.#api = api;
    this.#context = api.context;
    this.#trace = api.trace;
    this.#internal = api.SpanKind.INTERNAL;
    this.#error = api.SpanStatusCode.ERROR;
    this.#valid = api.isSpanContextValid;
    this.tracer = tracer;
    this.meter = meter;
    this.#duration = meter?.createHistogram(WORK_DURATION_METRIC, {
      unit: 's',
      description: 'How long works took, from the registry taking them to their result, by type and outcome',
      advice: { explicitBucketBoundaries: DURATION_BOUNDARIES },
    });
    meter
      ?.createObservableUpDownCounter(WORKS_ACTIVE_METRIC, {
        unit: '{work}',
        description: 'Works the registry is running now, by type',
      })
      .addCallback((observer) => {
        for (const [type, count] of inFlight) observer.observe(count, { 'ubom.work.type': type });
      });
  }

  /**
   * Runs `execute` as one work: inside a `ubom.work <type>` span (child of the `traceparent` in the
   * work context, else of the active context) whose context the executor runs in and receives as its
   * `WorkContext.traceparent`; records the duration and works in flight.
   */
  run(
    work: Work,
    wc: WorkContext,
    signal: AbortSignal | undefined,
    execute: (wc: WorkContext) => Promise<WorkResult>,
  ): Promise<WorkResult> {
    const given = work as Partial<Work> | null;
    const type = typeof given?.type === 'string' ? given.type.slice(0, 100) : 'unknown';
    const t0 = performance.now();
    const counted = this.meter !== undefined;
    if (counted) inFlight.set(type, (inFlight.get(type) ?? 0) + 1);
    let span: Span | undefined;
    let running: Promise<WorkResult>;
    let cancelSeen = false;
    const onAbort = signal
      ? () => {
          cancelSeen = true;
          span?.addEvent('ubom.work.cancel');
        }
      : undefined;
    if (this.tracer) {
      let parent = this.#context.active();
      const remote = parseTraceparent(wc.traceparent);
      if (remote) {
        const traceState = wc.tracestate ? this.#api.createTraceState(wc.tracestate) : undefined;
        parent = this.#trace.setSpanContext(parent, remoteSpanContext(remote, traceState));
      }
      span = this.tracer.startSpan(
        `ubom.work ${type}`,
        { kind: this.#internal, attributes: spanAttributes(given ?? {}, type, wc) },
        parent,
      );
      const sc = span.spanContext();
      // a valid context (also one sampled out: its flags travel on) replaces the one given
      const forExecutor = this.#valid(sc) ? withCarrier(wc, carrierOf(sc)) : wc;
      if (onAbort) signal?.addEventListener('abort', onAbort, { once: true });
      running = this.#context.with(this.#trace.setSpan(parent, span), execute, undefined, forExecutor);
    } else running = execute(wc);
    const finish = (settled: { result: WorkResult } | { error: unknown }): void => {
      const outcome = outcomeOf(settled);
      this.#duration?.record((performance.now() - t0) / 1000, {
        'ubom.work.type': type,
        'ubom.work.outcome': outcome,
      });
      if (counted) inFlight.set(type, (inFlight.get(type) ?? 1) - 1);
      if (!span) return;
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      if (outcome === 'cancelled' && !cancelSeen) span.addEvent('ubom.work.cancel');
      if (outcome === 'timeout')
        span.addEvent('ubom.work.timeout', timeoutAttributes(given), timeoutTime(given, t0));
      if ('error' in settled) {
        const error = settled.error;
        const message = error instanceof Error ? error.message : String(error);
        span.recordException(error instanceof Error ? error : message);
        span.setAttribute('error.type', errorType(error));
        span.setStatus({ code: this.#error, message });
      } else if (!settled.result.success) {
        span.setStatus({ code: this.#error, message: settled.result.error ?? 'the work failed' });
      }
      span.end();
    };
    return running.then(
      (result) => {
        finish({ result });
        return result;
      },
      (error: unknown) => {
        finish({ error });
        throw error;
      },
    );
  }
}

const errorType = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : typeof error;
};

const timeoutAttributes = (work: Partial<Work> | null): Attributes =>
  typeof work?.timeout === 'string' || typeof work?.timeout === 'number'
    ? { 'ubom.work.timeout': String(work.timeout) }
    : {};

/** When `work.timeout` ran out (the event marks it; the span ends once the executor cleaned up). */
function timeoutTime(work: Partial<Work> | null, t0: number): number {
  const now = performance.timeOrigin + performance.now();
  const ms = parseDuration(work?.timeout);
  return ms === undefined ? now : Math.min(now, performance.timeOrigin + t0 + ms);
}

let cached: WorkTelemetry | undefined;

/** The registry's telemetry when an OpenTelemetry SDK (traces or metrics) is registered, else `undefined`. */
export function workTelemetry(): WorkTelemetry | undefined {
  const api = registeredOtel();
  if (!api) return undefined;
  const tracer = activeTracer(api, UBOM_TELEMETRY_SCOPE);
  const meter = activeMeter(api, UBOM_TELEMETRY_SCOPE);
  if (!tracer && !meter) return undefined;
  if (cached?.tracer !== tracer || cached?.meter !== meter) cached = new WorkTelemetry(api, tracer, meter);
  return cached;
}
