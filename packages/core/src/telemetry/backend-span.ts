import type { Attributes, Context, SpanContext } from '@opentelemetry/api';
import type { WorkContext } from '../types';
import { definedAttributes, type TelemetryAttributes } from './instruments';
import { type Otel, registeredOtel } from './otel';
import { activeTracer } from './providers';
import {
  carrierOf,
  givenCarrier,
  parseTraceparent,
  remoteSpanContext,
  type TraceCarrier,
} from './trace-context';

/** The span of one backend call, as `ctx.span` hands it to the executor. */
export interface BackendSpan {
  /** Adds attributes (masked like everything the work shows); `undefined` values are left out. */
  setAttributes(attributes: TelemetryAttributes): void;
  /** Marks the call failed (status ERROR with the masked message) without throwing, e.g. a non-zero exit. */
  fail(message: string): void;
}

/** What one work's backend spans need from its run. */
export interface SpanOwner {
  /** Instrumentation scope: the executor's package name. */
  readonly scope: string;
  readonly context: WorkContext;
  /** `executor_config.propagate_trace` (default true). */
  readonly propagate: boolean;
  mask<T>(value: T): T;
  /** The innermost backend span open (the carrier without a context manager registered). */
  current?: SpanContext | undefined;
}

const NOOP: BackendSpan = { setAttributes() {}, fail() {} };

/** The parent of a work's spans: the active context's span, else the `traceparent` the work was given. */
function parentContext(api: Otel, given: WorkContext): Context {
  const active = api.context.active();
  if (api.trace.getSpan(active)) return active;
  const remote = parseTraceparent(given.traceparent);
  if (!remote) return active;
  const traceState = given.tracestate ? api.createTraceState(given.tracestate) : undefined;
  return api.trace.setSpanContext(active, remoteSpanContext(remote, traceState));
}

function masked(owner: SpanOwner, attributes: TelemetryAttributes): Attributes {
  return owner.mask(definedAttributes(attributes));
}

/**
 * Runs `fn` as one CLIENT span, a child of the work's span; `fn` runs in its context (so the carrier
 * and anything instrumented inside are its children). Without an SDK: `fn` with a no-op span.
 */
export async function backendSpan<T>(
  owner: SpanOwner,
  name: string,
  attributes: TelemetryAttributes,
  fn: (span: BackendSpan) => T | Promise<T>,
): Promise<T> {
  const api = registeredOtel();
  const tracer = api ? activeTracer(api, owner.scope) : undefined;
  if (!api || !tracer) return fn(NOOP);
  const parent = parentContext(api, owner.context);
  const span = tracer.startSpan(
    owner.mask(name),
    { kind: api.SpanKind.CLIENT, attributes: masked(owner, attributes) },
    parent,
  );
  const handle: BackendSpan = {
    setAttributes: (more) => void span.setAttributes(masked(owner, more)),
    fail: (message) => span.setStatus({ code: api.SpanStatusCode.ERROR, message: owner.mask(message) }),
  };
  const outer = owner.current;
  owner.current = span.spanContext();
  try {
    return await api.context.with(api.trace.setSpan(parent, span), fn, undefined, handle);
  } catch (error) {
    const shown = owner.mask(error);
    const message = shown instanceof Error ? shown.message : String(shown);
    span.recordException(shown instanceof Error ? shown : message);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message });
    throw error;
  } finally {
    owner.current = outer;
    span.end();
  }
}

/**
 * W3C trace context to hand to the work: the active span's (the backend span inside `ctx.span`),
 * else the `traceparent` the work was given (passed through when no SDK is registered); empty when
 * the work opted out (`propagate_trace: false`).
 */
export function traceCarrierOf(owner: SpanOwner): TraceCarrier {
  if (!owner.propagate) return {};
  const api = registeredOtel();
  if (api) {
    const sc = api.trace.getSpan(api.context.active())?.spanContext() ?? owner.current;
    if (sc && api.isSpanContextValid(sc)) return carrierOf(sc);
  }
  return givenCarrier(owner.context);
}

/** The W3C trace context of the active span (empty without one): for a producer to put into a job. */
export function activeTraceCarrier(): TraceCarrier {
  const api = registeredOtel();
  const sc = api?.trace.getSpan(api.context.active())?.spanContext();
  return sc && api?.isSpanContextValid(sc) ? carrierOf(sc) : {};
}
