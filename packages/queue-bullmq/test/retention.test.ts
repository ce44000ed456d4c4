import { ValidationError } from '@ubom/core';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RetentionOptions, WorkQueue, WorkWorker } from '../src';
import { dropQueue, PREFIX, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork, waitFor } from './support/registry';

let name: string;
let redis: Redis;
let queue: WorkQueue;
let worker: WorkWorker | undefined;

beforeEach(() => {
  name = uniqueQueue('keep');
  redis = redisClient();
  queue = new WorkQueue({ name, connection: REDIS_URL });
});

afterEach(async () => {
  await worker?.close({ graceMs: 0 });
  worker = undefined;
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
});

async function startWorker(retention: RetentionOptions | false) {
  worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry(), retention });
  await worker.start();
  return worker;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('retention of finished jobs', () => {
  it('removes the jobs past their retention, keeps the younger ones; a removed id runs again', async () => {
    // `every` of an hour: only the explicit clean() below runs in this test
    const w = await startWorker({ completed: '2s', failed: '1h', every: '1h' });
    const done = await queue.enqueue(shWork('done', 'echo first'));
    expect((await done.result()).outputs.stdout).toBe('first\n');
    // no executor for this type: the work cannot be attempted, so the job fails
    const failed = await queue.enqueue({ id: 'nope', type: 'missing', executor_config: {} });
    await expect(failed.result()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // the retention is the workers' business: the job itself carries none
    const opts = JSON.parse((await redis.hget(`${PREFIX}:${name}:${done.id}`, 'opts')) ?? '{}');
    expect(Object.keys(opts)).not.toContain('removeOnComplete');
    expect(Object.keys(opts)).not.toContain('removeOnFail');

    expect(await w.clean()).toBe(0); // younger than 2 s (a margin for a busy machine)
    await pause(2100);
    expect(await w.clean()).toBe(1);
    expect(await done.state()).toBe('unknown');
    expect(await failed.state()).toBe('failed');

    const again = await queue.enqueue(shWork('done', 'echo second'));
    expect(again.id).toBe(done.id);
    expect((await again.result()).outputs.stdout).toBe('second\n');
  });

  it('every worker cleans on its own, every `every`', async () => {
    // a second of retention: the result is read before the job goes, even on a busy machine
    await startWorker({ completed: '1s', every: '100ms' });
    const handle = await queue.enqueue(shWork('soon-gone', 'true'));
    await handle.result();
    await waitFor(async () => (await handle.state()) === 'unknown', 5000, 'the job to be removed');
  });

  it('retention: false keeps finished jobs', async () => {
    const w = await startWorker(false);
    const handle = await queue.enqueue(shWork('kept', 'true'));
    await handle.result();
    expect(await w.clean()).toBe(0);
    expect(await handle.state()).toBe('completed');
  });

  it('a bad retention is refused when the worker is made, every problem at once', () => {
    const make = () =>
      new WorkWorker({
        name,
        connection: REDIS_URL,
        registry: processRegistry(),
        retention: { completed: 'a day', every: 0 },
      });
    expect(make).toThrow(ValidationError);
    try {
      make();
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        'retention.completed',
        'retention.every',
      ]);
    }
  });
});
