import { randomUUID } from 'node:crypto';
import type { LogEntry } from '@ubom/core';
import { isAbortError, settle } from '@ubom/testkit';
import { describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { countMarked, isAlive } from './support/processes';
import { lines, processWork, run } from './support/run';

/** A shell that starts two background sleeps and a foreground one, printing every pid (its own last). */
const TREE = 'sleep 100 & echo $!; sleep 100 & echo $!; echo $$; sleep 100; wait';

/** Resolves with the pids once the tree has printed them all. */
function pidsOnceStarted(): { onLog: (e: LogEntry) => void; pids: Promise<number[]> } {
  const seen: number[] = [];
  let done: (pids: number[]) => void = () => {};
  const pids = new Promise<number[]>((resolve) => {
    done = resolve;
  });
  const onLog = (e: LogEntry) => {
    if (e.source !== 'stdout') return;
    seen.push(Number(e.message));
    if (seen.length === 3) done(seen);
  };
  return { onLog, pids };
}

async function expectAllGone(pids: number[]): Promise<void> {
  expect(pids).toHaveLength(3);
  for (const pid of pids) expect(await isAlive(pid), `process ${pid} is still running`).toBe(false);
}

describe('the process tree never outlives its work', () => {
  it('kills the whole tree, grandchildren included, when the command hits its own `timeout`', async () => {
    const { result } = await run({ command: ['sh', '-c', TREE], timeout: '1s' });
    expect(result.success).toBe(false);
    expect(result.error).toBe('timed out after 1s');
    expect(result.outputs.signal).toBe('SIGTERM');
    expect(result.metrics.timedOut).toBe(true);
    await expectAllGone(lines(result.logs, 'stdout').map(Number));
  });

  it('kills the whole tree when work.timeout (the registry) expires', async () => {
    const { result } = await run({ command: ['sh', '-c', TREE] }, { work: { timeout: '1s' } });
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^timed out after 1s/);
    await expectAllGone(lines(result.logs, 'stdout').map(Number));
  });

  it('kills the whole tree and rejects with AbortError when the signal aborts', async () => {
    const controller = new AbortController();
    const { onLog, pids } = pidsOnceStarted();
    const running = settle(run({ command: ['sh', '-c', TREE] }, { signal: controller.signal, onLog }));
    const started = await pids;
    for (const pid of started) expect(await isAlive(pid)).toBe(true);
    controller.abort();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(isAbortError(outcome.error)).toBe(true);
    await expectAllGone(started);
  });

  it('sends SIGKILL after `kill_grace_period` to a tree that ignores SIGTERM', async () => {
    const mark = randomUUID();
    const stubborn =
      "trap '' TERM; sh -c \"trap '' TERM; sleep 100\" & echo ready; while true; do sleep 1; done";
    const { result, live } = await run({
      command: ['sh', '-c', stubborn],
      environment: { MARK: mark },
      timeout: '500ms',
      kill_grace_period: '300ms',
    });
    expect(result.success).toBe(false);
    expect(result.outputs.signal).toBe('SIGKILL');
    expect(
      live.some((e) => e.source === 'executor' && /SIGTERM, then SIGKILL after 300 ms/.test(e.message)),
    ).toBe(true);
    expect(await countMarked('MARK', mark)).toBe(0);
  });

  it('stops background processes the command left behind when it exits normally', async () => {
    const mark = randomUUID();
    const { result, live } = await run({
      command: ['sh', '-c', 'sleep 100 >/dev/null 2>&1 & echo $!'],
      environment: { MARK: mark },
    });
    expect(result.success).toBe(true);
    expect(result.metrics.strayProcesses).toBe(1);
    expect(live.some((e) => e.level === 'warn' && /left running/.test(e.message))).toBe(true);
    expect(await isAlive(Number(lines(result.logs, 'stdout')[0]))).toBe(false);
    expect(await countMarked('MARK', mark)).toBe(0);
  });

  it('shutdown() stops the works still running and waits until their processes are gone', async () => {
    const mark = randomUUID();
    const executor = createPlugin();
    const started = pidsOnceStarted();
    const running = settle(
      executor.execute(
        processWork({ command: ['sh', '-c', TREE], environment: { MARK: mark } }),
        {},
        { onLog: started.onLog },
      ),
    );
    const pids = await started.pids;
    await executor.shutdown();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(String(outcome.error)).toMatch(/shutting down/);
    await expectAllGone(pids);
    expect(await countMarked('MARK', mark)).toBe(0);
  });
});
