import { trace } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { WorkQueue, WorkWorker } from '../src';
import { dropQueue, PREFIX, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork } from './support/registry';

// No OpenTelemetry SDK in this file's process (telemetry.test.ts registers one in its own).
it('with telemetry on (the default) and no SDK registered, the job carries no trace context and the given traceparent still reaches the work', async () => {
  expect(trace.getActiveSpan()).toBeUndefined();
  const name = uniqueQueue('no-sdk');
  const redis = redisClient();
  const queue = new WorkQueue({ name, connection: REDIS_URL });
  const worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry() });
  const jobs = new Queue(name, { connection: redis, prefix: PREFIX });
  try {
    await worker.start();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const handle = await queue.enqueue(shWork('no-sdk-1', 'printf %s "$TRACEPARENT"'), { traceparent });
    const result = await handle.result();
    expect(result.success).toBe(true);
    // the process executor hands the work's trace context to the command
    expect(result.outputs.stdout).toBe(traceparent);
    const job = await jobs.getJob(handle.id);
    expect(job?.opts).toBeDefined();
    // BullMQ was given no telemetry: no `telemetry.metadata` (the producer's context) in the job
    expect(job?.opts.telemetry).toBeUndefined();
  } finally {
    await worker.close({ graceMs: 0 });
    await Promise.all([queue.close(), jobs.close()]);
    await dropQueue(redis, name);
    await redis.quit();
  }
});
