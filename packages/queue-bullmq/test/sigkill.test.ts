import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Whether `pid` runs a shell (its command name is `sh`). */
function isShell(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sh';
  } catch {
    return false;
  }
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
  // a failed test leaves no sleeps behind (one may end on its own meanwhile)
  for (const pid of await marked()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
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

/** The watchdog the worker `pid` started (its child, `node -e` the executor's watchdog script). */
function watchdogOf(pid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (
        ppid === pid &&
        readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes('executor-process watchdog')
      )
        return Number(entry);
    } catch {
      // gone while we looked
    }
  }
  return undefined;
}

/**
 * Four works on a doomed worker, each appending its id to `effects`: its side effect. A first run
 * marks that it started, then waits for the gate, which the test opens only once the survivor has run
 * every work to its end: an orphan of a first run still alive then would append a second line. The
 * survivor's run (the work's second attempt) finds the mark and appends at once. No step of it races
 * a clock: the waits are bounds against a hang, the gate orders the side effects.
 */
async function startDoomedWorks(groupsDir: string) {
  const fast = { LOCK_MS: '1000', STALLED_MS: '500', CONCURRENCY: '4', UBOM_PROCESS_GROUPS_DIR: groupsDir };
  const effects = join(dir, 'effects');
  const gate = join(dir, 'gate');
  const ids = ['s0', 's1', 's2', 's3'];
  const script = [
    'echo $$',
    `if [ ! -e "${dir}/started-$WORK_ID" ]; then : > "${dir}/started-$WORK_ID"; while [ ! -e "${gate}" ]; do sleep 0.05; done; fi`,
    `echo "$WORK_ID" >> "${effects}"`,
    'echo "done on $PPID"',
  ].join('\n');
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
  // every work runs on the doomed worker, waiting at the gate
  await waitFor(
    () => followed.every((f) => f.logs.some((e) => e.source === 'stdout' && /^\d+$/.test(e.message))),
    30_000,
    'every work to start',
  );
  // the works' shells (the `sleep 0.05` of their wait loops come and go: not counted)
  const orphans = (await marked()).filter(isShell);
  expect(orphans.length).toBeGreaterThanOrEqual(ids.length);
  return {
    ids,
    doomed,
    orphans,
    /** The survivor takes the stalled works over; once each ran to its end, the gate opens. */
    async recover(): Promise<void> {
      const survivor = await worker(fast);
      const results = await Promise.all(followed.map((f) => f.result));
      for (const r of results) {
        expect(r.success).toBe(true);
        expect(r.outputs.stdout).toMatch(new RegExp(`done on ${survivor.pid}\\n$`));
        expect(r.metrics.jobAttempt).toBe(2); // started twice (at-least-once), ran to the end once
      }
      writeFileSync(gate, '');
      await waitFor(async () => (await marked()).length === 0, 30_000, 'no process of the works left');
      // each side effect happened exactly once: no first run lived on to pass the gate
      expect(readFileSync(effects, 'utf8').trim().split('\n').sort()).toEqual([...ids].sort());
    },
  };
}

describe.runIf(process.platform === 'linux')('SIGKILL of a worker running process works', () => {
  it("its works' processes die with it (its watchdog): the survivor's run is the only one with a side effect", async () => {
    const works = await startDoomedWorks(join(dir, 'groups'));
    works.doomed.kill('SIGKILL');
    expect((await works.doomed.exited).signal).toBe('SIGKILL');
    // stopped by the dead worker's watchdog, before any other worker starts
    await waitFor(
      () => works.orphans.every((pid) => !alive(pid)),
      30_000,
      "the killed worker's processes to end",
    );
    await works.recover();
  }, 120_000);

  it('with its watchdog SIGKILLed too, the next worker sweeps them before it runs the works again', async () => {
    const groups = join(dir, 'groups');
    const works = await startDoomedWorks(groups);
    // the watchdog records each group it guards (for this sweep) when it is told of it
    await waitFor(
      () =>
        existsSync(groups) &&
        readdirSync(groups).filter((n) => n.endsWith('.json')).length === works.ids.length,
      30_000,
      'a record of each running group',
    );
    const watchdog = watchdogOf(works.doomed.pid);
    expect(watchdog).toBeGreaterThan(0);
    // stopped first, so that it cannot start another watchdog when it sees this one die
    works.doomed.kill('SIGSTOP');
    process.kill(watchdog as number, 'SIGKILL');
    works.doomed.kill('SIGKILL');
    expect((await works.doomed.exited).signal).toBe('SIGKILL');
    await waitFor(() => !alive(watchdog as number), 30_000, 'the watchdog to end');
    // nothing stopped them: they wait at the gate, left to the next executor's sweep
    expect(works.orphans.filter((pid) => alive(pid))).toEqual(works.orphans);
    await works.recover();
  }, 120_000);
});
