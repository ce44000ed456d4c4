import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type GroupRecord, recordPlace, startTimeOf } from '../src/group-record';
import { GroupGuard, groupGuardStatus } from '../src/ownership';
import { Owner, recordsIn, waitUntil } from './support/owner';
import { countMarked, isAlive } from './support/processes';
import { processWork, run } from './support/run';

const linux = process.platform === 'linux';
const dirs: string[] = [];
const strays: ChildProcess[] = [];
const owners: Owner[] = [];

/** A fresh record folder (mode 0700, as the executor makes them). */
function recordDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ubom-groups-'));
  dirs.push(dir);
  return dir;
}

function owner(work: ReturnType<typeof processWork>, dir: string, flags: string[] = []): Owner {
  const o = new Owner(work, { dir, flags });
  owners.push(o);
  return o;
}

/** A detached `sleep` (its own group), standing for a group some owner started. */
function group(): number {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  child.unref();
  strays.push(child);
  return child.pid as number;
}

afterEach(() => {
  for (const o of owners.splice(0)) o.kill();
  for (const child of strays.splice(0)) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const TWO_SLEEPS = 'sleep 300 & sleep 300';
const marked = (mark: string, extra: Record<string, unknown> = {}) =>
  processWork({ command: ['sh', '-c', TWO_SLEEPS], environment: { MARK: mark }, ...extra });

describe.runIf(linux)('nothing outlives its owner: the watchdog', () => {
  it('stops the whole group when the owner is SIGKILLed, and removes its record', async () => {
    const dir = recordDir();
    const mark = randomUUID();
    const o = owner(marked(mark), dir);
    const started = await o.event('started');
    await waitUntil(async () => (await countMarked('MARK', mark)) === 3, 10_000, 'sh and its two sleeps');
    await waitUntil(() => recordsIn(dir).length === 1, 10_000, 'the watchdog to write the record');
    const [file] = recordsIn(dir);
    const record = JSON.parse(readFileSync(join(dir, file as string), 'utf8')) as GroupRecord;
    expect(record).toMatchObject({ owner: o.pid, ownerStart: startTimeOf(o.pid), graceMs: 5000 });
    expect(record.start).toBe(startTimeOf(record.pgid));
    const watchdog = started.watchdog as number;
    expect(await isAlive(watchdog)).toBe(true);

    o.kill('SIGKILL');
    expect((await o.exited).signal).toBe('SIGKILL');
    await waitUntil(async () => (await countMarked('MARK', mark)) === 0, 10_000, 'the group to be stopped');
    await waitUntil(() => recordsIn(dir).length === 0, 10_000, 'the watchdog to remove the record');
    await waitUntil(async () => !(await isAlive(watchdog)), 10_000, 'the watchdog to exit');
  });

  it('stops the group of an owner that exits with the work still running, SIGKILL after its grace', async () => {
    const dir = recordDir();
    const mark = randomUUID();
    // the shell and its child ignore SIGTERM: only the SIGKILL after kill_grace_period ends them
    const stubborn = processWork({
      command: ['sh', '-c', `trap '' TERM; sh -c "trap '' TERM; sleep 300" & sleep 300`],
      environment: { MARK: mark },
      kill_grace_period: '1s',
    });
    const o = owner(stubborn, dir, ['--exit-while-running']);
    expect((await o.exited).code).toBe(0);
    expect(await countMarked('MARK', mark)).toBeGreaterThan(0);
    await waitUntil(async () => (await countMarked('MARK', mark)) === 0, 15_000, 'the SIGKILL');
    await waitUntil(() => recordsIn(dir).length === 0, 10_000, 'the watchdog to remove the record');
  });

  it('does not keep its owner alive, and exits with it', async () => {
    const dir = recordDir();
    const o = owner(processWork({ command: ['sh', '-c', 'echo hi'] }), dir);
    const started = await o.event('started');
    const result = await o.event('result');
    expect(result).toMatchObject({ success: true, status: { groups: 0 } });
    expect((await o.exited).code).toBe(0); // nothing but the watchdog could have held it
    await waitUntil(async () => !(await isAlive(started.watchdog as number)), 10_000, 'the watchdog');
    expect(recordsIn(dir)).toEqual([]);
  });

  it('is replaced when it dies, and its replacement knows the groups already running', async () => {
    const dir = recordDir();
    const mark = randomUUID();
    const o = owner(marked(mark), dir, ['--kill-watchdog']);
    const first = (await o.event('started')).watchdog as number;
    const second = (await o.event('watchdog replaced')).watchdog as number;
    expect(second).toBeGreaterThan(0);
    expect(second).not.toBe(first);
    await waitUntil(async () => (await countMarked('MARK', mark)) === 3, 10_000, 'the group');
    o.kill('SIGKILL');
    await waitUntil(async () => (await countMarked('MARK', mark)) === 0, 10_000, 'the group to be stopped');
  });

  it('when it dies with its owner, the next executor to start sweeps the group from the record', async () => {
    const dir = recordDir();
    const mark = randomUUID();
    const o = owner(marked(mark), dir);
    const watchdog = (await o.event('started')).watchdog as number;
    await waitUntil(async () => (await countMarked('MARK', mark)) === 3, 10_000, 'the group');
    await waitUntil(() => recordsIn(dir).length === 1, 10_000, 'the watchdog to write the record');
    process.kill(watchdog, 'SIGKILL');
    o.kill('SIGKILL'); // before it can start another watchdog
    await o.exited;
    await new Promise((r) => setTimeout(r, 300));
    expect(await countMarked('MARK', mark)).toBe(3); // orphaned: nobody stopped it
    expect(recordsIn(dir)).toHaveLength(1);

    const next = owner(processWork({ command: ['true'] }), dir);
    expect((await next.event('result')).success).toBe(true); // its setup swept
    await waitUntil(async () => (await countMarked('MARK', mark)) === 0, 10_000, 'the sweep');
    await waitUntil(() => recordsIn(dir).length === 0, 10_000, 'the record to go');
  });
});

describe.runIf(linux)('the record of running groups', () => {
  it('holds a file per running group, written by the watchdog and removed once the group is gone', async () => {
    const status = groupGuardStatus();
    expect(status.records).toHaveProperty('dir');
    const dir = (status.records as { dir: string }).dir;
    let pid = 0;
    const ours = () => recordsIn(dir).filter((n) => n.startsWith(`${pid}-`));
    const running = run(
      { command: ['sh', '-c', 'echo $$; sleep 2'] },
      {
        onLog: (e) => {
          if (e.source === 'stdout') pid = Number(e.message);
        },
      },
    );
    await waitUntil(() => pid > 0 && ours().length > 0, 10_000, 'the record of the running group');
    const seen = ours();
    expect(seen).toEqual([`${pid}-${startTimeOf(pid)}.json`]);
    const record = JSON.parse(readFileSync(join(dir, seen[0] as string), 'utf8')) as GroupRecord;
    expect(record).toMatchObject({ pgid: pid, owner: process.pid, ownerStart: startTimeOf(process.pid) });
    expect((await running).result.success).toBe(true);
    await waitUntil(() => !existsSync(join(dir, seen[0] as string)), 10_000, 'the record to go');
    expect(groupGuardStatus().watchdogPid).toBeGreaterThan(0);
  });

  it('is off, with the reason, when its folder is not safe', () => {
    const open = recordDir();
    chmodSync(open, 0o777);
    expect(recordPlace({ UBOM_PROCESS_GROUPS_DIR: open })).toEqual({
      disabled: `${open} may be written by other users`,
    });
    const file = join(recordDir(), 'file');
    writeFileSync(file, '');
    expect(recordPlace({ UBOM_PROCESS_GROUPS_DIR: file })).toMatchObject({
      disabled: expect.stringContaining(`cannot use ${file}`),
    });
    const guard = new GroupGuard({ UBOM_PROCESS_GROUPS_DIR: open });
    expect(guard.status().records).toEqual({ disabled: `${open} may be written by other users` });
  });
});

describe.runIf(linux)('the sweep of groups whose owner is dead', () => {
  const self = () => {
    const place = recordPlace({ UBOM_PROCESS_GROUPS_DIR: recordDir() });
    if (!('dir' in place)) throw new Error(place.disabled);
    return place.self;
  };

  function write(dir: string, record: Partial<GroupRecord> & { pgid: number; start: string }): string {
    const base = self();
    const full: GroupRecord = {
      owner: 1 << 22, // above pid_max's default: no such process
      ownerStart: '1',
      graceMs: 200,
      boot: base.boot,
      pidns: base.pidns,
      ...record,
    };
    const path = join(dir, `${record.pgid}-${record.start}.json`);
    writeFileSync(path, JSON.stringify(full), { mode: 0o600 });
    return path;
  }

  it('stops orphaned groups and keeps what is not theirs to stop', async () => {
    const dir = recordDir();
    const start = (pid: number) => startTimeOf(pid) as string;
    const liveOwner = group();
    const [deadOwner, reusedOwner, kept, reusedLeader, otherBoot] = [
      group(),
      group(),
      group(),
      group(),
      group(),
    ];
    // owner gone: stopped
    write(dir, { pgid: deadOwner, start: start(deadOwner) });
    // owner's pid runs, but it is another process (another start time): stopped
    write(dir, { pgid: reusedOwner, start: start(reusedOwner), owner: liveOwner, ownerStart: '1' });
    // owner runs: kept, and so is its record
    const keptRecord = write(dir, {
      pgid: kept,
      start: start(kept),
      owner: liveOwner,
      ownerStart: start(liveOwner),
    });
    // the recorded leader's pid now names another process: left alone, record dropped
    const reused = write(dir, { pgid: reusedLeader, start: '1' });
    // another boot: every process of it is gone, whatever runs under that pid now
    const booted = write(dir, { pgid: otherBoot, start: start(otherBoot), boot: 'another-boot' });
    // half-written: kept while fresh, dropped once old
    const fresh = join(dir, '99999-1.json');
    const stale = join(dir, '99998-1.json');
    writeFileSync(fresh, '{"pgid":');
    writeFileSync(stale, '{"pgid":');
    utimesSync(stale, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

    const guard = new GroupGuard({ UBOM_PROCESS_GROUPS_DIR: dir });
    const report = await guard.sweep();
    expect(report.stopping.sort()).toEqual([deadOwner, reusedOwner].sort());
    expect(report.dropped).toBe(3);
    await report.done;
    expect(await isAlive(deadOwner)).toBe(false);
    expect(await isAlive(reusedOwner)).toBe(false);
    for (const pid of [liveOwner, kept, reusedLeader, otherBoot]) expect(await isAlive(pid)).toBe(true);
    expect(recordsIn(dir).sort()).toEqual([keptRecord, fresh].map((p) => p.slice(dir.length + 1)).sort());
    expect(existsSync(reused) || existsSync(booted)).toBe(false);
    expect(guard.status().groups).toBe(0);
  });

  it('sends SIGKILL after the recorded grace period to an orphan that ignores SIGTERM', async () => {
    const dir = recordDir();
    const child = spawn('sh', ['-c', "trap '' TERM; while :; do sleep 1; done"], {
      detached: true,
      stdio: 'ignore',
    });
    strays.push(child);
    const pgid = child.pid as number;
    await waitUntil(() => startTimeOf(pgid) !== undefined, 5000, 'the shell');
    write(dir, { pgid, start: startTimeOf(pgid) as string, graceMs: 300 });
    const guard = new GroupGuard({ UBOM_PROCESS_GROUPS_DIR: dir });
    const report = await guard.sweep();
    expect(report.stopping).toEqual([pgid]);
    await report.done;
    expect(await isAlive(pgid)).toBe(false);
    expect(recordsIn(dir)).toEqual([]);
  });
});
