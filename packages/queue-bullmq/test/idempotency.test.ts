import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue, WorkWorker } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork } from './support/registry';

let name: string;
let redis: Redis;
let queue: WorkQueue;
let worker: WorkWorker;
let dir: string;

beforeEach(async () => {
  name = uniqueQueue('idem');
  redis = redisClient();
  dir = mkdtempSync(join(tmpdir(), 'ubom-idem-'));
  queue = new WorkQueue({ name, connection: REDIS_URL });
  worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry(), concurrency: 4 });
  await worker.start();
});

afterEach(async () => {
  await worker.close({ graceMs: 0 });
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

const runs = (file: string): number => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

describe('idempotent enqueue', () => {
  it('runs a work enqueued twice for the same run once, even when both enqueues race', async () => {
    const log = join(dir, 'runs');
    const work = shWork('once', `echo ran >> ${log}; sleep 0.2`);
    const [a, b] = await Promise.all([
      queue.enqueue(work, { runId: 'run-1' }),
      queue.enqueue(work, { runId: 'run-1' }),
    ]);
    expect(a.id).toBe(b.id);
    await Promise.all([a.result(), b.result()]);
    const again = await queue.enqueue(work, { runId: 'run-1' }); // a retried producer, after the fact
    expect((await again.result()).success).toBe(true);
    expect(runs(log)).toBe(1);
  });

  it('runs the same work again for another run, and honours an explicit jobId', async () => {
    const log = join(dir, 'runs');
    const work = shWork('per-run', `echo ran >> ${log}`);
    await (await queue.enqueue(work, { runId: 'a' })).result();
    await (await queue.enqueue(work, { runId: 'b' })).result();
    expect(runs(log)).toBe(2);
    const first = await queue.enqueue(work, { runId: 'c' }, { jobId: 'my-key' });
    const second = await queue.enqueue(work, { runId: 'd' }, { jobId: 'my-key' });
    expect(second.id).toBe('my-key');
    await Promise.all([first.result(), second.result()]);
    expect(runs(log)).toBe(3);
  });

  it('escapes ids BullMQ would refuse (":" and integers) into distinct job ids', async () => {
    const a = await queue.enqueue(shWork('a:b', 'true'), { runId: '1' });
    const b = await queue.enqueue(shWork('42', 'true'));
    expect(a.id).toBe('a%3Ab@1');
    expect(b.id).toBe('work-42');
    await Promise.all([a.result(), b.result()]);
  });
});
