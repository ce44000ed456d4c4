import type { Meter, Tracer, TracerProvider } from '@opentelemetry/api';
import { type Otel, registeredOtel } from './otel';

/** The instrumentation scope of the registry's spans and metrics. */
export const UBOM_TELEMETRY_SCOPE = '@ubom/core';

// What is registered is looked up on every call (an SDK may be registered after @ubom/core loaded),
// and what is derived from it is kept until it changes: without an SDK a call is two global lookups.
let tracerDelegate: unknown;
let tracersOff = true;
const tracers = new Map<string, Tracer>();
let meterProvider: unknown;
const meters = new Map<string, Meter | null>();
let noopTracerProvider: unknown;

interface Delegating {
  getDelegate(): TracerProvider;
}

/** Whether an SDK has registered a tracer provider: the API's proxy delegates to something but its no-op. */
function tracingOn(api: Otel): boolean {
  const provider = api.trace.getTracerProvider();
  const delegate =
    typeof (provider as Partial<Delegating>).getDelegate === 'function'
      ? (provider as unknown as Delegating).getDelegate()
      : provider;
  if (delegate !== tracerDelegate) {
    tracerDelegate = delegate;
    tracers.clear();
    noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
    tracersOff = delegate === noopTracerProvider;
  }
  return !tracersOff;
}

/** The tracer of `scope` when a tracer provider is registered (an SDK), else `undefined`. */
export function activeTracer(api: Otel, scope: string): Tracer | undefined {
  if (!tracingOn(api)) return undefined;
  let tracer = tracers.get(scope);
  if (!tracer) {
    tracer = (tracerDelegate as TracerProvider).getTracer(scope);
    tracers.set(scope, tracer);
  }
  return tracer;
}

/**
 * Whether an OpenTelemetry SDK has registered a tracer provider in this process (any copy of the API
 * 1.x): what a package checks before it sets up tracing that costs even as a no-op.
 */
export function tracerProviderRegistered(): boolean {
  const api = registeredOtel();
  return api !== undefined && tracingOn(api);
}

/** The meter of `scope` when a meter provider is registered (an SDK), else `undefined`. */
export function activeMeter(api: Otel, scope: string): Meter | undefined {
  const provider = api.metrics.getMeterProvider();
  if (provider !== meterProvider) {
    meterProvider = provider;
    meters.clear();
  }
  let meter = meters.get(scope);
  if (meter === undefined) {
    const got = provider.getMeter(scope);
    meter = got === api.createNoopMeter() ? null : got;
    meters.set(scope, meter);
  }
  return meter ?? undefined;
}
