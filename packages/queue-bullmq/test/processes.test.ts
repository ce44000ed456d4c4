import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, type LogEntry } from '@ubom/core';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WorkHandle, WorkQueue } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { alive, shWork, waitFor } from './support/registry';
import { WorkerProcess } from './support/worker-process';

let name: string;
let redis: Redis;
let queue: WorkQueue;
let dir: string;
const workers: WorkerProcess[] = [];

beforeEach(() => {
  name = uniqueQueue('proc');
  redis = redisClient();
  queue = new WorkQueue({ name, connection: REDIS_URL });
  dir = mkdtempSync(join(tmpdir(), 'ubom-proc-'));
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

async function worker(env: Record<string, string> = {}): Promise<WorkerProcess> {
  const w = await WorkerProcess.start(name, env);
  workers.push(w);
  return w;
}

/** Starts waiting for the result while collecting the live logs; resolves once `ready` holds. */
function follow(handle: WorkHandle) {
  const logs: LogEntry[] = [];
  const result = handle.result({ onLog: (e) => logs.push(e) });
  result.catch(() => undefined);
  const stdout = (): string[] => logs.filter((e) => e.source === 'stdout').map((e) => e.message);
  return { result, logs, stdout };
}

/** The pid a work printed first (`echo $$`). */
async function printedPid(f: ReturnType<typeof follow>): Promise<number> {
  await waitFor(() => f.stdout().some((l) => /^\d+$/.test(l)), 10_000, 'the work to print its pid');
  return Number(f.stdout().find((l) => /^\d+$/.test(l)));
}

describe('worker processes sharing a queue', () => {
  it('spreads works over two worker processes and completes every one', async () => {
    const [a, b] = await Promise.all([worker(), worker()]);
    const handles = await Promise.all(
      Array.from({ length: 6 }, (_, i) => queue.enqueue(shWork(`w${i}`, 'sleep 0.3; echo $PPID'))),
    );
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results.every((r) => r.success)).toBe(true);
    const ranOn = new Set(results.map((r) => Number(String(r.outputs.stdout).trim())));
    expect(ranOn).toEqual(new Set([a.pid, b.pid]));
  });

  it('recovers the works of a worker killed with SIGKILL on the other worker: nothing is lost', async () => {
    const fast = { LOCK_MS: '1000', STALLED_MS: '500', CONCURRENCY: '3' };
    const doomed = await worker(fast);
    // each work waits for the gate, opened once the doomed worker is gone (however slow the machine)
    const gate = join(dir, 'gate');
    const script = `echo $$; while [ ! -e '${gate}' ]; do sleep 0.05; done; echo "done on $PPID"`;
    const followed = await Promise.all(
      Array.from({ length: 3 }, async (_, i) => follow(await queue.enqueue(shWork(`k${i}`, script)))),
    );
    const orphans = await Promise.all(followed.map(printedPid)); // all three run on the doomed worker
    const survivor = await worker(fast);
    doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    // the killed worker's watchdog stops the works it was running: none of them can finish now
    await waitFor(() => orphans.every((pid) => !alive(pid)), 10_000, 'the orphaned works to be stopped');
    writeFileSync(gate, '');
    const results = await Promise.all(followed.map((f) => f.result));
    for (const [i, r] of results.entries()) {
      expect(r.success).toBe(true);
      expect(r.outputs.stdout).toMatch(new RegExp(`done on ${survivor.pid}\\n$`));
      expect(r.metrics.jobAttempt).toBe(2); // started twice: at-least-once
      expect(followed[i]?.stdout()).toContain(`done on ${survivor.pid}`);
    }
  });

  it('cancels a running process work from the producer: the executor stops it, nothing is left', async () => {
    const w = await worker();
    const f = follow(await queue.enqueue(shWork('long', 'echo $$; sleep 30')));
    const pid = await printedPid(f);
    expect(alive(pid)).toBe(true);
    expect(await queue.cancel('long', 'changed my mind')).toBe(true);
    const error = await f.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).message).toContain('changed my mind');
    expect(alive(pid)).toBe(false);
    expect(await queue.handle('long').state()).toBe('failed');
    expect(await queue.cancel('long')).toBe(false); // already over
    // the worker goes on with the next work
    const next = await (await queue.enqueue(shWork('next', 'echo $PPID'))).result();
    expect(next.outputs.stdout).toBe(`${w.pid}\n`);
  });

  it('cancels waiting and delayed works before they run', async () => {
    const marker = join(dir, 'ran');
    const waiting = await queue.enqueue(shWork('waiting', `touch ${marker}`));
    const delayed = await queue.enqueue(shWork('delayed', `touch ${marker}`), {}, { delay: '1h' });
    expect(await waiting.cancel()).toBe(true);
    expect(await delayed.cancel()).toBe(true);
    await worker();
    await expect(waiting.result()).rejects.toBeInstanceOf(AbortError);
    await expect(delayed.result()).rejects.toBeInstanceOf(AbortError);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('graceful shutdown', () => {
  it('drains on SIGTERM: the running work finishes, nothing new is taken, the worker exits 0', async () => {
    const w = await worker({ GRACE_MS: '10000' });
    const f = follow(await queue.enqueue(shWork('drain', 'echo $$; sleep 0.8; echo finished')));
    await printedPid(f);
    w.kill('SIGTERM');
    await w.waitFor((e) => e.event === 'info' && String(e.message).startsWith('closing'));
    const later = await queue.enqueue(shWork('later', 'echo later'));
    expect((await w.exited).code).toBe(0);
    const result = await f.result;
    expect(result.success).toBe(true);
    expect(f.stdout()).toContain('finished');
    expect(await later.state()).toBe('waiting');
  });

  it('hands a work back to the queue when the grace period ends; another worker runs it', async () => {
    const marker = join(dir, 'first-run');
    const script = `if [ -f ${marker} ]; then echo second run; else touch ${marker}; echo $$; sleep 30; fi`;
    const w = await worker({ GRACE_MS: '300' });
    const f = follow(await queue.enqueue(shWork('handed', script)));
    const pid = await printedPid(f);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(await queue.handle('handed').state()).toBe('waiting');
    await worker();
    const result = await f.result;
    expect(result.outputs.stdout).toBe('second run\n');
    expect(result.metrics.jobAttempt).toBe(2);
  });
});
