import { context, SpanKind, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue, WorkWorker } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork, waitFor } from './support/registry';

// The real SDK (in-memory exporter): producer and worker in this process, their spans side by side.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let name: string;
let redis: Redis;
let queue: WorkQueue;
let worker: WorkWorker;

beforeAll(() => {
  provider.register(); // global tracer provider, AsyncLocalStorage context, W3C trace context
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

beforeEach(async () => {
  name = uniqueQueue('otel');
  redis = redisClient();
  queue = new WorkQueue({ name, connection: REDIS_URL });
  worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry() });
  await worker.start();
  exporter.reset();
});

afterEach(async () => {
  await worker.close({ graceMs: 0 });
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
});

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** The producer's, the consumer's and the registry's spans of one work, once the last has ended. */
async function spansOf(workId: string) {
  const find = () => {
    const spans = exporter.getFinishedSpans();
    const work = spans.find((s) => s.name === 'ubom.work process' && s.attributes['ubom.work.id'] === workId);
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER && s.name === `add ${name}.process`);
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER && s.name === `process ${name}`);
    return { work, producer, consumer };
  };
  await waitFor(() => Object.values(find()).every(Boolean), 10_000, 'the three spans');
  return find() as { work: ReadableSpan; producer: ReadableSpan; consumer: ReadableSpan };
}

describe('trace context through the queue (bullmq-otel)', () => {
  it("puts the worker's work span in the producer's trace: producer → consumer → work", async () => {
    const tracer = trace.getTracer('test');
    const engine = tracer.startSpan('engine step');
    await context.with(trace.setSpan(context.active(), engine), async () => {
      const handle = await queue.enqueue(shWork('traced-1', 'true'));
      expect((await handle.result()).success).toBe(true);
    });
    engine.end();
    const { work, producer, consumer } = await spansOf('traced-1');
    const traceId = engine.spanContext().traceId;
    expect([producer, consumer, work].map((s) => s.spanContext().traceId)).toEqual([
      traceId,
      traceId,
      traceId,
    ]);
    expect(parentOf(producer)).toBe(engine.spanContext().spanId);
    expect(parentOf(consumer)).toBe(producer.spanContext().spanId);
    expect(parentOf(work)).toBe(consumer.spanContext().spanId);
    expect(producer.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': name,
      'messaging.message.id': 'traced-1',
    });
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': name,
    });
    expect(work.attributes).toMatchObject({ 'ubom.work.type': 'process', 'ubom.attempt': 1 });
  });

  it('enqueues under the traceparent of the work context when no span is active', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const handle = await queue.enqueue(shWork('traced-2', 'true'), { traceparent, runId: 'r1' });
    expect((await handle.result()).success).toBe(true);
    const { work, producer, consumer } = await spansOf('traced-2');
    expect([producer, consumer, work].map((s) => s.spanContext().traceId)).toEqual([
      traceId,
      traceId,
      traceId,
    ]);
    expect(parentOf(producer)).toBe('00f067aa0ba902b7');
    // the CONSUMER span of the same trace is the closer parent
    expect(parentOf(work)).toBe(consumer.spanContext().spanId);
    expect(work.attributes).toMatchObject({ 'ubom.run.id': 'r1' });
  });

  it('keeps the work context traceparent when the job carries no trace (a producer without telemetry)', async () => {
    await queue.close();
    queue = new WorkQueue({ name, connection: REDIS_URL, telemetry: false });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const traceparent = `00-${traceId}-b7ad6b7169203331-01`;
    const handle = await queue.enqueue(shWork('traced-3', 'true'), { traceparent });
    expect((await handle.result()).success).toBe(true);
    await waitFor(
      () => exporter.getFinishedSpans().some((s) => s.attributes['ubom.work.id'] === 'traced-3'),
      10_000,
      'the work span',
    );
    const work = exporter.getFinishedSpans().find((s) => s.attributes['ubom.work.id'] === 'traced-3');
    expect(work?.spanContext().traceId).toBe(traceId);
    expect(parentOf(work as ReadableSpan)).toBe('b7ad6b7169203331');
    expect(exporter.getFinishedSpans().some((s) => s.kind === SpanKind.PRODUCER)).toBe(false);
  });
});
