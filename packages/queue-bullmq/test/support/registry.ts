import { readFileSync } from 'node:fs';
import { EnhancedWorkRegistry, type Work } from '@ubom/core';
import { createPlugin } from '@ubom/executor-process';

/** A registry with the real process executor, as a worker would build it. */
export function processRegistry(): EnhancedWorkRegistry {
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('process', createPlugin());
  return registry;
}

/** A `process` work running `script` with /bin/sh. */
export function shWork(id: string, script: string, extra: Record<string, unknown> = {}): Work {
  return { id, type: 'process', executor_config: { command: ['sh', '-c', script], ...extra } };
}

/** True while a process with this pid runs (a zombie left to a PID 1 that never reaps does not count). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
