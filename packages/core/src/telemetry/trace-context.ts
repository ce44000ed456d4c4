import type { SpanContext, TraceState } from '@opentelemetry/api';

/** W3C trace context as it travels with a work: `traceparent` and, when there is one, `tracestate`. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export interface ParsedTraceparent {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/**
 * A W3C `traceparent` header (`00-<trace id>-<span id>-<flags>`), or `undefined` when it is not one:
 * version `ff`, an all-zero id, or data after a version-00 value are refused, as the spec says.
 */
export function parseTraceparent(value: unknown): ParsedTraceparent | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** The carrier of a span context (`traceparent` version 00, `tracestate` when it has entries). */
export function carrierOf(span: SpanContext): TraceCarrier {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const carrier: TraceCarrier = { traceparent: `00-${span.traceId}-${span.spanId}-${flags}` };
  const state = span.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

/** The carrier a `WorkContext` holds, when its `traceparent` is valid (else an empty carrier). */
export function givenCarrier(given: TraceCarrier): TraceCarrier {
  if (parseTraceparent(given.traceparent) === undefined) return {};
  const carrier: TraceCarrier = { traceparent: (given.traceparent as string).trim() };
  if (typeof given.tracestate === 'string' && given.tracestate.length > 0)
    carrier.tracestate = given.tracestate;
  return carrier;
}

/** The span context of a parent in another process, from its `traceparent` (and `tracestate`). */
export function remoteSpanContext(
  parsed: ParsedTraceparent,
  traceState: TraceState | undefined,
): SpanContext {
  const context: SpanContext = {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.traceFlags,
    isRemote: true,
  };
  if (traceState) context.traceState = traceState;
  return context;
}
