import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The on-disk record of the process groups this process runs, so that the next executor to start
 * sweeps what a dead owner left behind (when its watchdog died with it). One small file per group:
 * `<dir>/<pgid>-<leader start time>.json`, written and removed by the watchdog (watchdog-script.ts).
 * Linux only: a start time comes from `/proc/<pid>/stat`.
 */
export interface GroupRecord {
  /** The group's id: the pid of the command the executor spawned (its leader). */
  pgid: number;
  /** The leader's start time (field 22 of `/proc/<pid>/stat`, clock ticks since boot). */
  start: string;
  /** The executor's process and its start time: a live pid with another start time is a reused pid. */
  owner: number;
  ownerStart: string;
  /** Between SIGTERM and SIGKILL when the group is swept. */
  graceMs: number;
  /** `/proc/sys/kernel/random/boot_id` and the pid namespace: a record from another boot or namespace names other processes. */
  boot: string;
  pidns: string;
}

const statBuffer = Buffer.alloc(4096);

/**
 * The fields of `/proc/<pid>/stat` after `(comm)`: state, ppid, pgrp, … (`undefined` when there is no
 * such process). One open/read/close into a kept buffer: `readFileSync` of a /proc file costs 4× more
 * (it cannot know the size), and the executor reads one for every work it starts.
 */
export function statFields(pid: number | string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
    const stat = statBuffer.toString('latin1', 0, readSync(fd, statBuffer, 0, statBuffer.length, 0));
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Field 22 of `/proc/<pid>/stat` (the start time), or `undefined` when there is no such process (a
 * zombie counts as none unless `zombies`: dead, waiting to be reaped).
 */
export function startTimeOf(pid: number | string, zombies = false): string | undefined {
  const fields = statFields(pid);
  if (!fields || (!zombies && (fields[0] === 'Z' || fields[0] === 'X'))) return undefined;
  return fields[19];
}

/** What this process is, for its records; read once. */
interface Identity {
  pid: number;
  start: string;
  boot: string;
  pidns: string;
}

/** Where the records go, and who this process is, or why there is no record on this system. */
export type RecordPlace = { dir: string; self: Identity } | { disabled: string };

const readTrimmed = (path: string): string => readFileSync(path, 'utf8').trim();

/**
 * The record folder: `$UBOM_PROCESS_GROUPS_DIR`, else `$XDG_RUNTIME_DIR/ubom-process-groups`, else
 * `<os.tmpdir()>/ubom-process-groups-<uid>`. Created mode 0700; refused unless it is a real folder
 * owned by this user that nobody else may write (a planted record could name any of our processes).
 */
export function recordPlace(env: NodeJS.ProcessEnv = process.env): RecordPlace {
  if (process.platform !== 'linux') return { disabled: 'records of process groups need Linux /proc' };
  const uid = process.getuid?.() ?? 0;
  const dir =
    env.UBOM_PROCESS_GROUPS_DIR ||
    (env.XDG_RUNTIME_DIR
      ? join(env.XDG_RUNTIME_DIR, 'ubom-process-groups')
      : join(tmpdir(), `ubom-process-groups-${uid}`));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    if (!info.isDirectory()) return { disabled: `${dir} is not a directory` };
    if (info.uid !== uid) return { disabled: `${dir} belongs to another user` };
    if ((info.mode & 0o022) !== 0) return { disabled: `${dir} may be written by other users` };
    const start = startTimeOf(process.pid);
    if (start === undefined) return { disabled: 'no start time in /proc/self/stat' };
    const boot = readTrimmed('/proc/sys/kernel/random/boot_id');
    let pidns = '';
    try {
      pidns = readlinkSync('/proc/self/ns/pid');
    } catch {
      // some sandboxes hide it: the boot id and start times still tell records apart
    }
    return { dir, self: { pid: process.pid, start, boot, pidns } };
  } catch (error) {
    return { disabled: `cannot use ${dir}: ${(error as Error).message}` };
  }
}

/** What the sweep found in a record whose owner is gone. */
export type Verdict =
  | { action: 'keep' } // its owner runs (or it is ours, or another namespace's)
  | { action: 'drop' } // nothing left to stop: only the record goes
  | { action: 'stop'; record: GroupRecord }; // an orphaned group: stop it, then drop the record

const isRecord = (value: unknown): value is GroupRecord => {
  const r = value as Partial<GroupRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isSafeInteger(r.pgid) &&
    (r.pgid as number) > 1 &&
    typeof r.start === 'string' &&
    Number.isSafeInteger(r.owner) &&
    typeof r.ownerStart === 'string' &&
    typeof r.graceMs === 'number' &&
    typeof r.boot === 'string' &&
    typeof r.pidns === 'string'
  );
};

/** True while some process is in the group `pgid` (EPERM: it is, as another user). */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The sweep's rule for one record. The owner is alive only if its pid runs with the recorded start
 * time (same pid, other start time: a reused pid, the owner is dead). An orphaned group is stopped only
 * while it is still the recorded one: its leader runs with the recorded start time, or the leader is
 * gone and members remain (the kernel does not reuse a pid still used as a pgid).
 */
export function judge(record: unknown, self: Identity): Verdict {
  if (!isRecord(record)) return { action: 'drop' };
  if (record.boot !== self.boot) return { action: 'drop' }; // every process of that boot is gone
  if (record.pidns !== self.pidns) return { action: 'keep' };
  if (record.owner === self.pid && record.ownerStart === self.start) return { action: 'keep' };
  if (startTimeOf(record.owner) === record.ownerStart) return { action: 'keep' };
  const leader = startTimeOf(record.pgid);
  if (leader !== undefined && leader !== record.start) return { action: 'drop' }; // a reused pid
  if (leader === undefined && !groupExists(record.pgid)) return { action: 'drop' };
  return { action: 'stop', record };
}

/** A record that does not parse is being written, or its owner died mid-write: dropped once this old. */
const HALF_WRITTEN_MS = 60_000;

/** Reads every record of the folder and judges it; files of other names are left alone. */
export async function readVerdicts(place: {
  dir: string;
  self: Identity;
}): Promise<Array<{ path: string; verdict: Verdict }>> {
  const names = await readdir(place.dir).catch(() => [] as string[]);
  const out: Array<{ path: string; verdict: Verdict }> = [];
  for (const name of names) {
    if (!/^[0-9]+-[0-9]+\.json$/.test(name)) continue;
    const path = join(place.dir, name);
    let record: unknown;
    try {
      record = JSON.parse(await readFile(path, 'utf8'));
    } catch {
      const info = await stat(path).catch(() => undefined);
      const old = info !== undefined && Date.now() - info.mtimeMs > HALF_WRITTEN_MS;
      out.push({ path, verdict: { action: old ? 'drop' : 'keep' } });
      continue;
    }
    out.push({ path, verdict: judge(record, place.self) });
  }
  return out;
}

export const dropRecord = (path: string): Promise<void> => unlink(path).catch(() => undefined);
