import { context, metrics, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type DataPoint, type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AbortError,
  activeTraceCarrier,
  defineExecutor,
  defineHistogram,
  EnhancedWorkRegistry,
  parseTraceparent,
  sleep,
  type TraceCarrier,
  tracerProviderRegistered,
  type Work,
  type WorkContext,
} from '../src/index';

/** Collects on demand, like a Prometheus scrape. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const exporter = new InMemorySpanExporter();
const reader = new TestReader();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const meterProvider = new MeterProvider({ readers: [reader] });

function register(): void {
  tracerProvider.register();
  metrics.setGlobalMeterProvider(meterProvider);
}
function unregister(): void {
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
}

async function points(name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  const found = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === name);
  return (found?.dataPoints ?? []) as DataPoint<unknown>[];
}

interface Seen {
  activeSpanId?: string;
  context?: WorkContext;
  carrier?: TraceCarrier;
  inner?: TraceCarrier;
}
let seen: Seen = {};

const createPlugin = defineExecutor({
  name: 'ubom-plugin-traced',
  version: '1.0.0',
  type: 'traced',
  description: 'Records what it sees of the trace',
  config: z
    .object({
      host: z.string().default('backend.local'),
      token: z.string().meta({ writeOnly: true }).optional(),
      outcome: z.enum(['ok', 'fail', 'throw', 'sleep', 'backend-fails']).default('ok'),
    })
    .strict(),
  async run({ config, context: wc, signal, span, traceCarrier }) {
    seen = { context: wc, carrier: traceCarrier() };
    const id = trace.getActiveSpan()?.spanContext().spanId;
    if (id) seen.activeSpanId = id;
    const answer = await span(
      'traced call',
      { 'server.address': config.host, 'ubom.test.token': config.token, 'ubom.test.absent': undefined },
      async (s) => {
        seen.inner = traceCarrier();
        if (config.outcome === 'sleep') await sleep(10_000, signal);
        if (config.outcome === 'throw') throw new Error(`backend refused ${config.token}`);
        if (config.outcome === 'backend-fails') s.fail(`exit 3 with ${config.token}`);
        s.setAttributes({ 'process.exit.code': 0, 'ubom.test.echo': `got ${config.token}` });
        return 'answered';
      },
    );
    if (config.outcome === 'fail') return { success: false, error: `it failed with ${config.token}` };
    return { outputs: { answer } };
  },
});

const registry = new EnhancedWorkRegistry({ abortGraceMs: 2000 });
registry.registerExecutor('traced', createPlugin());

const work = (config: Record<string, unknown> = {}, extra: Partial<Work> = {}): Work => ({
  id: 'w-1',
  type: 'traced',
  name: 'a traced work',
  executor_config: config,
  ...extra,
});

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const workSpan = (): ReadableSpan => {
  const found = spans().find((s) => s.name === 'ubom.work traced');
  if (!found) throw new Error(`no work span among ${spans().map((s) => s.name)}`);
  return found;
};
const clientSpan = (): ReadableSpan => {
  const found = spans().find((s) => s.name === 'traced call');
  if (!found) throw new Error(`no client span among ${spans().map((s) => s.name)}`);
  return found;
};
const TOKEN = 'hunter2-secret-token';
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('with an OpenTelemetry SDK registered', () => {
  beforeAll(register);
  afterAll(unregister);
  afterEach(() => {
    exporter.reset();
    seen = {};
  });

  it('opens one ubom.work span per work, with the work and context attributes', async () => {
    const result = await registry.execute(work(), { workflowId: 'wf-1', runId: 'run-1', attempt: 2 });
    expect(result.success).toBe(true);
    const span = workSpan();
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.instrumentationScope.name).toBe('@ubom/core');
    expect(span.attributes).toEqual({
      'ubom.work.id': 'w-1',
      'ubom.work.type': 'traced',
      'ubom.work.name': 'a traced work',
      'ubom.workflow.id': 'wf-1',
      'ubom.run.id': 'run-1',
      'ubom.attempt': 2,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('runs the executor inside the work span: its backend span is a CLIENT child, its context carries the work span', async () => {
    await registry.execute(work({ token: TOKEN }), {});
    const parent = workSpan();
    const child = clientSpan();
    expect(seen.activeSpanId).toBe(parent.spanContext().spanId);
    expect(child.kind).toBe(SpanKind.CLIENT);
    expect(child.instrumentationScope.name).toBe('ubom-plugin-traced');
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    const { traceId, spanId } = parent.spanContext();
    expect(seen.context?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(seen.carrier?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    // inside ctx.span, the carrier is the backend span's: the work's own spans become its children
    expect(seen.inner?.traceparent).toBe(`00-${traceId}-${child.spanContext().spanId}-01`);
  });

  it('masks secrets in backend span attributes and leaves undefined ones out', async () => {
    await registry.execute(work({ token: TOKEN }), {});
    const attributes = clientSpan().attributes;
    expect(attributes).toEqual({
      'server.address': 'backend.local',
      'ubom.test.token': '***',
      'process.exit.code': 0,
      'ubom.test.echo': 'got ***',
    });
    expect(JSON.stringify(spans().map((s) => [s.attributes, s.status, s.events]))).not.toContain(TOKEN);
  });

  it('is a child of the traceparent (and tracestate) given in the work context', async () => {
    await registry.execute(work(), { traceparent: GIVEN, tracestate: 'vendor=opaque' });
    const span = workSpan();
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.parentSpanContext?.isRemote).toBe(true);
    expect(seen.context?.tracestate).toBe('vendor=opaque');
    expect(seen.context?.traceparent).not.toBe(GIVEN);
    expect(seen.context?.traceparent).toContain('0af7651916cd43dd8448eb211c80319c');
  });

  it('is a child of the active context when none is given', async () => {
    const tracer = trace.getTracer('engine');
    const engineSpanId = await tracer.startActiveSpan('engine step', async (outer) => {
      await registry.execute(work(), {});
      outer.end();
      return outer.spanContext().spanId;
    });
    expect(workSpan().parentSpanContext?.spanId).toBe(engineSpanId);
    expect(activeTraceCarrier()).toEqual({});
  });

  it('a result with success:false sets status ERROR with the masked message', async () => {
    const result = await registry.execute(work({ token: TOKEN, outcome: 'fail' }), {});
    expect(result.success).toBe(false);
    expect(workSpan().status).toEqual({ code: SpanStatusCode.ERROR, message: 'it failed with ***' });
  });

  it('a rejected work sets status ERROR with the masked message and records the exception', async () => {
    await expect(registry.execute(work({ token: TOKEN, outcome: 'throw' }), {})).rejects.toThrow(
      'backend refused ***',
    );
    const span = workSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toContain('backend refused ***');
    expect(span.attributes['error.type']).toBe('PLUGIN');
    expect(span.events.map((e) => e.name)).toContain('exception');
    const child = clientSpan();
    expect(child.status).toEqual({ code: SpanStatusCode.ERROR, message: 'backend refused ***' });
    expect(JSON.stringify([span.events, child.events])).not.toContain(TOKEN);
  });

  it('an invalid work is a rejected span too', async () => {
    await expect(registry.execute(work({ outcome: 'nope' }), {})).rejects.toThrow();
    const span = workSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('VALIDATION');
  });

  it('ctx.span(…).fail marks the backend span failed without throwing', async () => {
    const result = await registry.execute(work({ token: TOKEN, outcome: 'backend-fails' }), {});
    expect(result.success).toBe(true);
    expect(clientSpan().status).toEqual({ code: SpanStatusCode.ERROR, message: 'exit 3 with ***' });
  });

  it('a timeout adds a ubom.work.timeout event and sets status ERROR', async () => {
    const result = await registry.execute(work({ outcome: 'sleep' }, { timeout: '50ms' }), {});
    expect(result.error).toBe('timed out after 50ms');
    const span = workSpan();
    expect(span.events.map((e) => e.name)).toContain('ubom.work.timeout');
    expect(span.events.find((e) => e.name === 'ubom.work.timeout')?.attributes).toEqual({
      'ubom.work.timeout': '50ms',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timed out after 50ms' });
  });

  it('a cancel adds a ubom.work.cancel event', async () => {
    const controller = new AbortController();
    const running = registry.execute(work({ outcome: 'sleep' }), {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(running).rejects.toBeInstanceOf(AbortError);
    const span = workSpan();
    expect(span.events.filter((e) => e.name === 'ubom.work.cancel')).toHaveLength(1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('propagate_trace: false keeps the carrier out of the work; spans are still recorded', async () => {
    await registry.execute(work({ propagate_trace: false }), { traceparent: GIVEN });
    expect(seen.carrier).toEqual({});
    expect(seen.inner).toEqual({});
    expect(clientSpan().parentSpanContext?.spanId).toBe(workSpan().spanContext().spanId);
  });

  it('propagate_trace must be a boolean', async () => {
    await expect(registry.execute(work({ propagate_trace: 'no' }), {})).rejects.toThrow(/propagate_trace/);
    const plugin = createPlugin();
    await expect(plugin.execute(work({ propagate_trace: 'no' }), {})).rejects.toThrow(
      'executor_config.propagate_trace: must be true or false',
    );
  });

  it('a kernel executor called without the registry parents its backend span on the given traceparent', async () => {
    const plugin = createPlugin();
    await plugin.execute(work(), { traceparent: GIVEN });
    const child = clientSpan();
    expect(child.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('records ubom.work.duration by type and outcome, and ubom.works.active', async () => {
    await reader.collect(); // start from what is there
    await registry.execute(work(), {});
    await registry.execute(work({ outcome: 'fail' }), {});
    await registry.execute(work({ outcome: 'sleep' }, { timeout: '20ms' }), {});
    await expect(registry.execute(work({ outcome: 'throw' }), {})).rejects.toThrow();
    const controller = new AbortController();
    controller.abort();
    await expect(registry.execute(work(), {}, { signal: controller.signal })).rejects.toThrow();
    const running = registry.execute(work({ outcome: 'sleep' }), {}, { signal: controller.signal });
    await expect(running).rejects.toThrow();

    const duration = await points('ubom.work.duration');
    const counts = Object.fromEntries(
      duration.map((p) => [p.attributes['ubom.work.outcome'], (p.value as Histogram).count]),
    );
    expect(counts.success).toBeGreaterThanOrEqual(1);
    for (const outcome of ['failure', 'timeout', 'error', 'cancelled'])
      expect(counts[outcome], outcome).toBeGreaterThanOrEqual(1);
    for (const p of duration) expect(p.attributes['ubom.work.type']).toBe('traced');

    const { resourceMetrics } = await reader.collect();
    const descriptor = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'ubom.work.duration')?.descriptor;
    expect(descriptor?.unit).toBe('s');

    const slow = new AbortController();
    const inFlight = registry.execute(work({ outcome: 'sleep' }), {}, { signal: slow.signal });
    await sleep(20);
    const during = await points('ubom.works.active');
    expect(during.find((p) => p.attributes['ubom.work.type'] === 'traced')?.value).toBe(1);
    slow.abort();
    await expect(inFlight).rejects.toThrow();
    const after = await points('ubom.works.active');
    expect(after.find((p) => p.attributes['ubom.work.type'] === 'traced')?.value).toBe(0);
  });
});

describe('without an SDK registered', () => {
  it('runs works as before and records nothing', async () => {
    unregister();
    exporter.reset();
    const result = await registry.execute(work(), { workflowId: 'wf' });
    expect(result.success).toBe(true);
    expect(spans()).toEqual([]);
    expect(seen.context).toEqual({ workflowId: 'wf' });
    expect(seen.carrier).toEqual({});
  });

  it('passes the given traceparent through to the work, unless it opted out', async () => {
    await registry.execute(work(), { traceparent: GIVEN, tracestate: 'a=b' });
    expect(seen.carrier).toEqual({ traceparent: GIVEN, tracestate: 'a=b' });
    expect(seen.inner).toEqual({ traceparent: GIVEN, tracestate: 'a=b' });
    await registry.execute(work({ propagate_trace: false }), { traceparent: GIVEN });
    expect(seen.carrier).toEqual({});
    await registry.execute(work(), { traceparent: 'not-a-traceparent' });
    expect(seen.carrier).toEqual({});
  });

  it('tracerProviderRegistered() follows what is registered', () => {
    expect(tracerProviderRegistered()).toBe(false);
    register();
    expect(tracerProviderRegistered()).toBe(true);
    unregister();
    expect(tracerProviderRegistered()).toBe(false);
  });

  it('an instrument defined before the SDK is registered records once it is', async () => {
    const histogram = defineHistogram({ scope: 'ubom-test', name: 'ubom.test.seconds', unit: 's' });
    histogram.record(1, { kind: 'before' });
    metrics.setGlobalMeterProvider(meterProvider);
    histogram.record(2, { kind: 'after' });
    const recorded = await points('ubom.test.seconds');
    expect(recorded.map((p) => p.attributes.kind)).toEqual(['after']);
    metrics.disable();
  });
});

describe('parseTraceparent', () => {
  it('reads a W3C traceparent', () => {
    expect(parseTraceparent(GIVEN)).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    expect(parseTraceparent(` ${GIVEN}\n`)?.spanId).toBe('b7ad6b7169203331');
    // a future version may append fields
    expect(parseTraceparent(`01-${GIVEN.slice(3)}-more`)?.traceFlags).toBe(1);
  });

  it('refuses what the spec refuses', () => {
    for (const bad of [
      undefined,
      42,
      '',
      GIVEN.toUpperCase(),
      `ff-${GIVEN.slice(3)}`,
      `${GIVEN}-extra`,
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01',
    ])
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
  });
});
