import { readdir, readFile } from 'node:fs/promises';

/**
 * Live processes whose environment holds `NAME=value` — a black-box probe for "nothing outlives its
 * work": the tests plant a unique marker in each work's environment and look for it in /proc.
 */
export async function countMarked(name: string, value: string): Promise<number> {
  const needle = `${name}=${value}\0`;
  let count = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if ((await readFile(`/proc/${entry}/environ`, 'latin1')).includes(needle)) count++;
    } catch {
      // gone while we looked, or not ours to read
    }
  }
  return count;
}

/** True while a process with this pid exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
