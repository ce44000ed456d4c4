import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '@ubom/core';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { alive, shWork, waitFor } from './support/registry';
import { WorkerProcess } from './support/worker-process';

let name: string;
let redis: Redis;
let queue: WorkQueue;
let dir: string;
let mark: string;
const workers: WorkerProcess[] = [];

/** Live (not zombie) processes whose environment holds `MARK=<mark>`: the works', wherever they went. */
async function marked(): Promise<number[]> {
  const needle = `MARK=${mark}\0`;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || !alive(Number(entry))) continue;
    try {
      if ((await readFile(`/proc/${entry}/environ`, 'latin1')).includes(needle)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

beforeEach(() => {
  name = uniqueQueue('sigkill');
  redis = redisClient();
  queue = new WorkQueue({ name, connection: REDIS_URL });
  dir = mkdtempSync(join(tmpdir(), 'ubom-sigkill-'));
  mark = randomUUID();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  for (const pid of await marked()) process.kill(pid, 'SIGKILL'); // a failed test leaves no sleeps behind
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

async function worker(env: Record<string, string>): Promise<WorkerProcess> {
  const w = await WorkerProcess.start(name, env);
  workers.push(w);
  return w;
}

describe.runIf(process.platform === 'linux')('SIGKILL of a worker running process works', () => {
  it("its works' processes die with it: the survivor's run is the only one with a side effect", async () => {
    const fast = { LOCK_MS: '1000', STALLED_MS: '500', CONCURRENCY: '4' };
    const effects = join(dir, 'effects');
    const ids = ['s0', 's1', 's2', 's3'];
    // each work says it started, sleeps, then appends its id: the side effect that must happen once
    const script = `echo $$; sleep 4; echo "$WORK_ID" >> ${effects}; echo "done on $PPID"`;
    const doomed = await worker(fast);
    const followed = await Promise.all(
      ids.map(async (id) => {
        const logs: LogEntry[] = [];
        const handle = await queue.enqueue(shWork(id, script, { environment: { WORK_ID: id, MARK: mark } }));
        const result = handle.result({ onLog: (e) => logs.push(e) });
        result.catch(() => undefined);
        return { id, logs, result };
      }),
    );
    // every work runs on the doomed worker (sh and its sleep each)
    await waitFor(
      () => followed.every((f) => f.logs.some((e) => e.source === 'stdout' && /^\d+$/.test(e.message))),
      15_000,
      'every work to start',
    );
    const orphans = await marked();
    expect(orphans.length).toBeGreaterThanOrEqual(ids.length);

    doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    // the watchdog stops them well before their `sleep 4` ends
    await waitFor(() => orphans.every((pid) => !alive(pid)), 2500, "the killed worker's processes to end");
    const survivor = await worker(fast); // takes the stalled works over

    const results = await Promise.all(followed.map((f) => f.result));
    for (const r of results) {
      expect(r.success).toBe(true);
      expect(r.outputs.stdout).toMatch(new RegExp(`done on ${survivor.pid}\\n$`));
      expect(r.metrics.jobAttempt).toBe(2); // started twice (at-least-once), ran to the end once
    }
    // each side effect happened exactly once: no orphan finished its first run
    expect(existsSync(effects)).toBe(true);
    const lines = readFileSync(effects, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual([...ids].sort());
    await waitFor(async () => (await marked()).length === 0, 5000, 'no process of the works left');
  }, 90_000);
});
