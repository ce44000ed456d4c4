import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CliRun, workDir } from './helpers';

const files = workDir();
const marks: string[] = [];

/** Live (not zombie) processes whose environment holds `MARK=<mark>`: the work's, wherever they went. */
async function marked(mark: string): Promise<number[]> {
  const needle = `MARK=${mark}\0`;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state === 'Z' || state === 'X') continue;
      if ((await readFile(`/proc/${entry}/environ`, 'latin1')).includes(needle)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(async () => {
  // a failed test must not leave its sleeps behind for 300 s
  for (const mark of marks) for (const pid of await marked(mark)) process.kill(pid, 'SIGKILL');
});

describe.runIf(process.platform === 'linux')('SIGKILL of ubom run', () => {
  it('leaves no process of the work running: its watchdog stops the whole group', async () => {
    const mark = randomUUID();
    marks.push(mark);
    const work = {
      id: 'sigkill',
      type: 'process',
      executor_config: { command: ['sh', '-c', 'sleep 300 & sleep 300'], environment: { MARK: mark } },
    };
    const run = new CliRun(['run', files.write('sigkill.json', work)]);
    // sh and its two sleeps
    await waitUntil(async () => (await marked(mark)).length === 3, 20_000, 'the work to run');
    const pids = await marked(mark);

    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    // a bound against a hang, not a deadline: the watchdog is a node process started with the work, and
    // at 5 s this wait failed once on a 2-core machine at load 10 (it passed when run again)
    await waitUntil(
      async () => (await marked(mark)).length === 0,
      30_000,
      'the processes of the work to end',
    );
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'x) Z');
      expect(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0], `process ${pid}`).toMatch(/^[ZX]$/);
    }
  });
});
