import { hostname } from 'node:os';
import { LABELS, removeContainer } from './container';
import { callSignal, type Engine } from './engine';

/** True when a process with this pid runs on this host (EPERM: it runs, as another user). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `host:pid` of an owner label, or undefined when it is not one. */
export function parseOwner(owner: string | undefined): { host: string; pid: number } | undefined {
  const match = owner === undefined ? null : /^(.*):([0-9]+)$/.exec(owner);
  if (!match) return undefined;
  return { host: match[1] as string, pid: Number(match[2]) };
}

/**
 * Removes managed containers left behind by owners on this host that no longer run (a worker killed
 * mid-work). Containers of live owners, of other hosts, and kept ones (`keep_container`) are left alone.
 * Returns the ids of the containers removed.
 */
export async function sweepOrphans(engine: Engine): Promise<string[]> {
  const here = hostname();
  const containers = await engine.docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.managed}=true`] },
    abortSignal: callSignal(engine),
  });
  const orphans = containers.filter((c) => {
    const labels = c.Labels ?? {};
    if (labels[LABELS.keep] === 'true') return false;
    const owner = parseOwner(labels[LABELS.owner]);
    return owner !== undefined && owner.host === here && owner.pid !== process.pid && !processRuns(owner.pid);
  });
  const removed = await Promise.all(
    orphans.map(async (c) =>
      (await removeContainer(engine, engine.docker.getContainer(c.Id))) ? c.Id : undefined,
    ),
  );
  return removed.filter((id): id is string => id !== undefined);
}
