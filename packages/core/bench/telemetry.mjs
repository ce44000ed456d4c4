// Telemetry (issue 14), run by run.mjs in a process of its own (the sections before it leave a heap
// and JIT state that skewed these figures by ~2x): a no-op work through the registry with no
// OpenTelemetry SDK registered, then with the SDK, side by side.
import { ctx, direct, median, N, registry, time, viaRegistry, work } from './noop.mjs';

for (let i = 0; i < 3; i++) await time('warm', direct, 50_000);
const directRounds = [];
for (let i = 0; i < 5; i++) directRounds.push((await time('direct', direct, N / 5)).perWorkNs);
const d = median(directRounds);
// The same no-op work with no OpenTelemetry SDK registered, then with the SDK
// registered (tracer with a batch processor into an in-memory exporter, as an app exporting OTLP
// would batch; meter with a reader). Registered once: turning the SDK's context manager (async
// hooks) on and off between rounds throws away the JIT's work each time, which no app does.
const { context, metrics, trace } = await import('@opentelemetry/api');
const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
class BenchReader extends MetricReader {
  onForceFlush = async () => {};
  onShutdown = async () => {};
}
const exporter = new InMemorySpanExporter();
let exported = 0;
const viaRegistryTraced = () => {
  if (++exported % 1000 === 0) exporter.reset(); // bounded memory: the spans are not what is timed
  return registry.execute(work, ctx);
};
const SDK_N = N / 5;
const noSdkRounds = [];
await time('warm', viaRegistry, SDK_N);
for (let i = 0; i < 5; i++) noSdkRounds.push((await time('no sdk', viaRegistry, SDK_N)).perWorkNs);
new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }).register();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new BenchReader()] }));
// the SDK's own floor, for scale: a span with the work's attributes around the direct call, run in its
// context, and one histogram record — what any instrumentation of a call pays, UBOM's or not
const floorTracer = trace.getTracer('bench-floor');
const floorHistogram = metrics.getMeter('bench-floor').createHistogram('bench.floor', { unit: 's' });
const floorAttributes = {
  'ubom.work.type': 'noop',
  'ubom.work.id': 'w1',
  'ubom.workflow.id': 'wf',
  'ubom.run.id': 'r1',
};
const bareSpan = async () => {
  if (++exported % 1000 === 0) exporter.reset();
  const t0 = performance.now();
  const span = floorTracer.startSpan('bare', { attributes: floorAttributes });
  const result = await context.with(trace.setSpan(context.active(), span), direct);
  floorHistogram.record((performance.now() - t0) / 1000, { 'ubom.work.type': 'noop' });
  span.end();
  return result;
};
await time('warm', viaRegistryTraced, SDK_N);
await time('warm', bareSpan, SDK_N);
const sdkRounds = [];
const floorRounds = [];
for (let i = 0; i < 5; i++) {
  sdkRounds.push((await time('sdk', viaRegistryTraced, SDK_N)).perWorkNs);
  floorRounds.push([
    (await time('direct', direct, SDK_N)).perWorkNs,
    (await time('bare', bareSpan, SDK_N)).perWorkNs,
  ]);
}
const tn = median(noSdkRounds);
const ts = median(sdkRounds);
const floor = median(floorRounds.map(([a, b]) => b - a));
console.log(
  `  telemetry, no SDK registered: ${(tn / 1000).toFixed(3)} µs/work, overhead ${((tn - d) / 1000).toFixed(3)} µs (the no-op check is part of it)`,
);
console.log(
  `  telemetry, SDK + in-memory exporter: ${(ts / 1000).toFixed(3)} µs/work, ${((ts - tn) / 1000).toFixed(3)} µs more than no SDK (goal ≤ 20 µs; a bare SDK span + context + record costs ${(floor / 1000).toFixed(3)} µs here)`,
);
