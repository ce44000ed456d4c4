import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const isWindows = process.platform === 'win32';
const POLL_MS = 20;
/** After SIGKILL, how long to wait for the group to be gone before giving up on it. */
const KILL_WAIT_MS = 3000;

const errnoCode = (error: unknown): unknown => (error as NodeJS.ErrnoException | undefined)?.code;

/** Sends `signal` to every process of the group led by `pgid` (the child was spawned `detached`). */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (isWindows) {
    // no process groups: taskkill walks the tree (best effort, see README)
    execFile('taskkill', ['/pid', String(pgid), '/T', '/F'], () => {});
    return;
  }
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (errnoCode(error) !== 'ESRCH') throw error;
  }
}

/** Stat line fields after the `(comm)`: state, ppid, pgrp, … */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Live (non-zombie) processes of the group `pgid`. Linux reads /proc, so zombies left to a PID 1 that
 * never reaps do not count; elsewhere `kill(-pgid, 0)` answers 0 or 1.
 */
export async function groupMembers(pgid: number): Promise<number> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if (errnoCode(error) !== 'EPERM') return 0; // ESRCH: not even a zombie left
  }
  if (process.platform !== 'linux') return 1;
  let count = 0;
  for (const entry of await readdir('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid
    try {
      const [state, , pgrp] = statFields(await readFile(`/proc/${entry}/stat`, 'utf8'));
      if (pgrp === String(pgid) && state !== 'Z' && state !== 'X') count++;
    } catch {
      // exited while we looked
    }
  }
  return count;
}

/** Resolves true once the group has no live process, false when `ms` passed first. */
export async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if ((await groupMembers(pgid)) === 0) return true;
    if (performance.now() >= deadline) return false;
    await delay(POLL_MS);
  }
}

/**
 * Stops a whole process group: SIGTERM, up to `graceMs` for it to exit, then SIGKILL.
 * Resolves once the group is gone (or `KILL_WAIT_MS` after SIGKILL); returns the signal that finished it.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<NodeJS.Signals> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, graceMs)) return 'SIGTERM';
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, KILL_WAIT_MS);
  return 'SIGKILL';
}
