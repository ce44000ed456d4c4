// The real OpenTelemetry SDK for executor tests (`@ubom/testkit/telemetry`): spans in memory, metrics read
// on demand. Its own entry, so that only tests that use it need the SDK packages (optional peers).
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Collects on demand, like a scrape. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The real OpenTelemetry SDK, spans kept in memory and metrics read on demand. */
export function recordTelemetry() {
  const exporter = new InMemorySpanExporter();
  const reader = new TestReader();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    register(): void {
      tracerProvider.register();
      metrics.setGlobalMeterProvider(meterProvider);
    },
    unregister(): void {
      for (const api of [trace, context, propagation, metrics]) api.disable();
    },
    reset(): void {
      exporter.reset();
    },
    spans(): ReadableSpan[] {
      return exporter.getFinishedSpans();
    },
    /** The one finished span named `name` (throws, listing the names, when there is not exactly one). */
    span(name: string | RegExp): ReadableSpan {
      const all = exporter.getFinishedSpans();
      const found = all.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
      if (found.length !== 1)
        throw new Error(`${found.length} spans named ${name} among ${all.map((s) => s.name).join(', ')}`);
      return found[0] as ReadableSpan;
    },
    async points(name: string): Promise<DataPoint<unknown>[]> {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
    },
  };
}

/** The trace id of a W3C traceparent. */
export const traceIdOf = (traceparent: string | undefined): string | undefined => traceparent?.split('-')[1];
