import { describe, expect, it } from 'vitest';
import { CliRun, isAlive, nodeWork, workDir } from './helpers';

const files = workDir();

/** A work whose process starts a grandchild and prints both pids, then runs until stopped. */
const family = (extra = '') =>
  nodeWork(
    `const { spawn } = require('child_process');
     const kid = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
     ${extra}
     console.log('pids ' + process.pid + ' ' + kid.pid);
     setInterval(() => {}, 1000);`,
    { kill_grace_period: '20s' },
  );

async function pidsOf(run: CliRun): Promise<number[]> {
  const match = await run.waitFor('stderr', /pids (\d+) (\d+)\n/);
  return [Number(match[1]), Number(match[2])];
}

describe('interrupting ubom run', () => {
  it('SIGINT mid-run stops the work, waits for cleanup, exits 130 and leaves no process behind', async () => {
    const run = new CliRun(['run', files.write('family.json', family())]);
    const pids = await pidsOf(run);
    for (const pid of pids) expect(await isAlive(pid)).toBe(true);
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stderr).toContain(
      '[ubom] SIGINT: cancelling the work and cleaning up (press Ctrl-C again to force)',
    );
    expect(stderr).toMatch(/\[ubom\] cancelled after \d+(ms|s): \S+ was stopped and cleaned up\n/);
    expect(stdout).toBe('');
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
  });

  it('SIGTERM is handled the same way and exits 143', async () => {
    const run = new CliRun(['run', files.write('family-term.json', family())]);
    const pids = await pidsOf(run);
    run.child.kill('SIGTERM');
    const { code } = await run.done;
    expect(code).toBe(143);
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
  });

  it('a second SIGINT exits at once without waiting for a work that ignores SIGTERM', async () => {
    const stubborn = family("process.on('SIGTERM', () => console.log('ignoring SIGTERM'));");
    const run = new CliRun(['run', files.write('stubborn.json', stubborn)]);
    const [pid] = await pidsOf(run);
    try {
      run.child.kill('SIGINT');
      await run.waitFor('stderr', /ignoring SIGTERM\n/); // cleanup has started: SIGTERM sent, 20 s grace
      run.child.kill('SIGINT');
      const { code, stderr } = await run.done;
      expect(code).toBe(130);
      expect(stderr).toContain('[ubom] forced exit: the work may not have been cleaned up');
      // Proof the CLI did not wait for the grace period: the stubborn process is still there.
      expect(await isAlive(pid as number)).toBe(true);
    } finally {
      try {
        process.kill(-(pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
