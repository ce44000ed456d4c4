import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAbortError } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointSchema as sshEndpointSchema } from '../src/config';
import { connect } from '../src/connect';
import { openExec, runExec, stopRemoteGroup } from '../src/exec';
import { remoteCommand, stopGroupCommand } from '../src/remote-command';
import {
  countRemoteMarked,
  descendants,
  killRemoteMarked,
  settledCount,
  sshdConnections,
} from './support/processes';
import { harness, rejection, target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  // UBOM_* env requests accepted: the remote_shell none work carries its mark that way
  sshd = await startSshd(['AcceptEnv UBOM_*']);
  h = await harness();
});
afterAll(async () => {
  await h?.plugin.shutdown();
  await sshd?.stop();
});

/** Starts a long work, aborts it once it printed its first line, and returns what it left running. */
async function cancelMidRun(config: Record<string, unknown>) {
  const mark = randomUUID();
  const controller = new AbortController();
  let started!: () => void;
  const printed = new Promise<void>((r) => {
    started = r;
  });
  const running = rejection(
    h.run(
      { ...target(sshd), environment: { UBOM_TEST_MARK: mark }, ...config },
      {
        signal: controller.signal,
        onLog: (e) => {
          if (e.source === 'stdout') started();
        },
      },
    ),
  );
  await printed;
  expect(countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark)).toBeGreaterThan(0);
  const t0 = performance.now();
  controller.abort();
  const error = await running;
  return { error, ms: performance.now() - t0, left: countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark) };
}

describe("cancel and timeout stop the remote process, as the server's ps sees it", () => {
  it('a compound command and its background children (dash does not exec the last command)', async () => {
    const { error, left } = await cancelMidRun({
      command: 'sleep 60 & sleep 60 & echo started; sleep 60; wait',
    });
    expect(isAbortError(error)).toBe(true);
    expect(left).toBe(0);
  });

  it('a process that ignores SIGTERM is killed after kill_grace_period', async () => {
    const { error, ms, left } = await cancelMidRun({
      command: "trap '' TERM; echo started; sleep 60",
      kill_grace_period: '1s',
    });
    expect(isAbortError(error)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(left).toBe(0);
  });

  it('with a pty', async () => {
    const { error, left } = await cancelMidRun({ command: 'echo started; sleep 60', pty: true });
    expect(isAbortError(error)).toBe(true);
    expect(left).toBe(0);
  });

  it('with remote_shell none: a signal over the channel (one process, no group to stop)', async () => {
    const { error, left } = await cancelMidRun({
      command: 'exec sh -c "echo started; exec sleep 60"',
      remote_shell: 'none',
    });
    expect(isAbortError(error)).toBe(true);
    expect(left).toBe(0);
  });

  it('executor_config.timeout resolves success:false "timed out" with the process gone', async () => {
    const mark = randomUUID();
    const { result } = await h.run({
      ...target(sshd),
      environment: { UBOM_TEST_MARK: mark },
      command: 'echo started; sleep 60',
      timeout: '500ms',
    });
    expect(result).toMatchObject({
      success: false,
      error: 'timed out after 500ms',
      metrics: { timedOut: true },
    });
    expect(result.logs.some((e) => /stopping the remote process group \d+/.test(e.message))).toBe(true);
    expect(countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark)).toBe(0);
  });

  it('a cancel that lands as the command starts leaves nothing (it waits for a pid line on its way)', async () => {
    const mark = randomUUID();
    const connection = await connect(
      {
        endpoint: sshEndpointSchema.parse(target(sshd)),
        path: 'executor_config',
        agentPath: undefined,
        policy: {
          path: 'executor_config.host_key',
          source: 'host_key',
          fingerprints: [sshd.fingerprints['ssh-ed25519']],
        },
      },
      undefined,
      { signal: undefined, connectTimeoutMs: 10_000, keepaliveMs: 0 },
    );
    const command = remoteCommand({
      remote_shell: 'posix',
      command: 'sleep 60 & sleep 60',
      environment: { UBOM_TEST_MARK: mark },
    });
    try {
      const channel = await openExec(connection.client, command, false);
      const sink = { write: () => {}, end: () => {} };
      const outcome = await runExec(channel, {
        client: connection.client,
        command,
        pty: false,
        signal: AbortSignal.abort(),
        graceMs: 1000,
        stdout: sink,
        stderr: sink,
        notice: () => {},
        stopGroup: (pid) => stopRemoteGroup(connection.client, stopGroupCommand(pid, 1), 5000),
      });
      // the SIGTERM may even reach the shell before its first line: then nothing was started
      expect(outcome.stopped).toBe(true);
      expect(countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark)).toBe(0);
    } finally {
      connection.close();
      await connection.closed;
    }
  });

  it('a cancel settles within a bound even when the server stopped answering', async () => {
    const mark = randomUUID();
    const other = await harness();
    const controller = new AbortController();
    let started!: () => void;
    const printed = new Promise<void>((r) => {
      started = r;
    });
    const running = rejection(
      other.run(
        {
          ...target(sshd),
          environment: { UBOM_TEST_MARK: mark },
          command: 'echo started; sleep 60',
          kill_grace_period: '1s',
        },
        { signal: controller.signal, onLog: (e) => e.source === 'stdout' && started() },
      ),
    );
    await printed;
    // the whole server side of the connection: monitor, session process, the command
    const server = descendants(sshd.pid);
    execFileSync('kill', ['-STOP', ...server]);
    try {
      controller.abort();
      // grace, the bounded stop session, the unconfirmed close; bounded here too, so the server is
      // always resumed (a hung cancel would skip the finally)
      const error = await Promise.race([running, sleep(15_000).then(() => 'still running')]);
      expect(isAbortError(error), String(error)).toBe(true);
      await Promise.race([other.plugin.shutdown(), sleep(10_000)]);
    } finally {
      execFileSync('kill', ['-CONT', ...server]);
      killRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark);
    }
  });

  it('shutdown stops every running work, then closes every connection', async () => {
    const other = await harness();
    const mark = randomUUID();
    let printed = 0;
    const works = Array.from({ length: 3 }, () =>
      rejection(
        other.run(
          { ...target(sshd), environment: { UBOM_TEST_MARK: mark }, command: 'echo started; sleep 60' },
          {
            onLog: (e) => {
              if (e.source === 'stdout') printed++;
            },
          },
        ),
      ),
    );
    while (printed < 3) await new Promise((r) => setTimeout(r, 20));
    const before = sshdConnections(sshd.pid);
    await other.plugin.shutdown();
    for (const error of await Promise.all(works)) expect(isAbortError(error)).toBe(true);
    expect(countRemoteMarked(sshd.user, 'UBOM_TEST_MARK', mark)).toBe(0);
    expect(before).toBeGreaterThan(0);
    // the pool of `h` may hold connections of its own: none of `other`'s remain
    await h.plugin.shutdown();
    expect(await settledCount(() => sshdConnections(sshd.pid))).toBe(0);
  });
});
