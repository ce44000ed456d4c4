import { trace } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue, WorkWorker } from '../src';
import { dropQueue, PREFIX, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork } from './support/registry';

// No OpenTelemetry SDK in this file's process (telemetry.test.ts registers one in its own).
let name: string;
let redis: Redis;
let queue: WorkQueue;
let worker: WorkWorker;

beforeEach(async () => {
  name = uniqueQueue('no-sdk');
  redis = redisClient();
  queue = new WorkQueue({ name, connection: REDIS_URL });
  worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry() });
  await worker.start();
});

afterEach(async () => {
  await worker.close({ graceMs: 0 });
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
});

describe('telemetry on (the default) while no SDK is registered', () => {
  it('stores no trace context in the job, and the work context still carries the given traceparent', async () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const handle = await queue.enqueue(shWork('no-sdk-1', 'printf %s "$TRACEPARENT"'), { traceparent });
    const result = await handle.result();
    expect(result.success).toBe(true);
    // the process executor hands the work's trace context to the command
    expect(result.outputs.stdout).toBe(traceparent);
    const jobs = new Queue(name, { connection: redis, prefix: PREFIX });
    try {
      const job = await jobs.getJob(handle.id);
      expect(job?.opts).toBeDefined();
      // BullMQ was given no telemetry: no `telemetry.metadata` (the producer's context) in the job
      expect(job?.opts.telemetry).toBeUndefined();
    } finally {
      await jobs.close();
    }
  });
});
