import { execFile, execFileSync } from 'node:child_process';

function ps(args: string[]): string {
  try {
    return execFileSync('ps', args, { encoding: 'utf8' });
  } catch (error) {
    if ((error as { status?: number }).status === 1) return ''; // nothing matched
    throw error;
  }
}

/**
 * Live processes of `user` whose environment holds `NAME=value`, as the server's own `ps` lists them
 * (`ps e` shows each process's environment): a black-box probe for "no remote process outlives its
 * work". Zombies (left to a PID 1 that does not reap) are not running and are not counted.
 */
export function countRemoteMarked(user: string, name: string, value: string): number {
  return ps(['eww', '-u', user, '-o', 'stat=,args='])
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('Z') && line.includes(` ${name}=${value}`))
    .length;
}

/** Connections the sshd `pid` still serves (one child process each), as `ps` lists them. */
export function sshdConnections(pid: number): number {
  return ps(['-o', 'stat=', '--ppid', String(pid)])
    .split('\n')
    .filter((s) => s.trim() && !s.trim().startsWith('Z')).length;
}

/** Polls `probe` until it returns 0 or `ms` pass; returns the last count. */
export async function settledCount(probe: () => number, ms = 3000): Promise<number> {
  const until = Date.now() + ms;
  let count = probe();
  while (count > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    count = probe();
  }
  return count;
}

/** Kills what `countRemoteMarked` counts (a test's own cleanup when a server was made to hang). */
export function killRemoteMarked(user: string, name: string, value: string): void {
  const pids = ps(['eww', '-u', user, '-o', 'pid=,args='])
    .split('\n')
    .filter((line) => line.includes(` ${name}=${value}`))
    .map((line) => line.trim().split(/\s+/)[0] as string);
  if (pids.length > 0) execFileSync('kill', ['-KILL', ...pids]);
}

/** Every process below `pid` (children, their children…), as `ps` lists them. */
export function descendants(pid: number): string[] {
  const children = ps(['-o', 'pid=', '--ppid', String(pid)])
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  return children.flatMap((child) => [child, ...descendants(Number(child))]);
}

/** `sshdConnections` without blocking the event loop (for sampling while works run). */
export function connectionsAsync(pid: number): Promise<number> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'stat=', '--ppid', String(pid)], { encoding: 'utf8' }, (_error, stdout) => {
      resolve(stdout.split('\n').filter((s) => s.trim() && !s.trim().startsWith('Z')).length);
    });
  });
}
