import { context, createTraceState, type SpanContext, trace } from '@opentelemetry/api';
import { parseTraceparent, type WorkContext } from '@ubom/core';

/** The span context of the W3C `traceparent` given in a `WorkContext`, if it is one. */
function remoteParent(wc: WorkContext): SpanContext | undefined {
  const parsed = parseTraceparent(wc.traceparent);
  if (!parsed) return undefined;
  const parent: SpanContext = { ...parsed, isRemote: true };
  if (typeof wc.tracestate === 'string' && wc.tracestate !== '')
    parent.traceState = createTraceState(wc.tracestate);
  return parent;
}

/**
 * Runs the enqueue inside the trace the work context names (`traceparent`) when no span is active
 * here: BullMQ's PRODUCER span is then a child of the engine's span, and the job carries that trace.
 */
export function inGivenTrace<T>(wc: WorkContext, fn: () => T): T {
  if (trace.getActiveSpan() !== undefined) return fn();
  const parent = remoteParent(wc);
  return parent ? context.with(trace.setSpanContext(context.active(), parent), fn) : fn();
}

/**
 * The work context a worker hands the registry. The registry parents its work span on
 * `traceparent` when there is one, else on the active span: BullMQ's CONSUMER span, whose parent
 * is the producer's span carried in the job. A `traceparent` of that same trace gives way to the
 * CONSUMER span (a closer parent); one of another trace (a producer without telemetry) is kept.
 */
export function workerContext(given: WorkContext, attempt: number): WorkContext {
  const wc: WorkContext = { ...given, attempt };
  const active = trace.getActiveSpan()?.spanContext();
  const named = remoteParent(given);
  if (!active || !named || active.traceId !== named.traceId) return wc;
  const { traceparent: _p, tracestate: _s, ...rest } = wc;
  return rest;
}
