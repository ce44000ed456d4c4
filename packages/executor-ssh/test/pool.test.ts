import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAbortError } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool, type Poolable } from '../src/pool';
import { connectionsAsync, descendants, settledCount, sshdConnections } from './support/processes';
import { harness, rejection, target } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

let sshd: TestSshd;
beforeAll(async () => {
  // the server allows 3 sessions per connection: the pool is told 8, and must cope
  sshd = await startSshd(['MaxSessions 3']);
});
afterAll(() => sshd?.stop());

const connections = () => sshdConnections(sshd.pid);
const idle = () => settledCount(connections, 5000);

describe('connection pool against a real sshd', () => {
  it('reuses one connection for works in a row, and closes it when idle', async () => {
    const h = await harness({ idle_timeout: '300ms' });
    const first = await h.run({ ...target(sshd), command: 'true' });
    const second = await h.run({ ...target(sshd), command: 'true' });
    expect(first.result.metrics).toMatchObject({ connectionReused: false });
    expect(first.result.metrics.connectMs).toBeGreaterThan(0);
    expect(second.result.metrics).toMatchObject({ connectionReused: true, connectMs: 0 });
    expect(connections()).toBe(1);
    expect(await idle()).toBe(0);
    await h.plugin.shutdown();
  });

  it('idle_timeout 0 closes the connection after each work', async () => {
    const h = await harness({ idle_timeout: 0 });
    const { result } = await h.run({ ...target(sshd), command: 'true' });
    expect(result.success).toBe(true);
    expect(await idle()).toBe(0);
    const again = await h.run({ ...target(sshd), command: 'true' });
    expect(again.result.metrics.connectionReused).toBe(false);
    await h.plugin.shutdown();
  });

  it('keeps works beyond max_connections_per_host × max_sessions_per_connection waiting', async () => {
    const h = await harness({ max_connections_per_host: 1, max_sessions_per_connection: 2 });
    // sampled without blocking the event loop (a synchronous ps every 50 ms would starve the works)
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await connectionsAsync(sshd.pid));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.run({ ...target(sshd), command: 'sleep 0.3; echo done' })),
    );
    sampling = false;
    await sampler;
    expect(results.map((r) => r.result.outputs.stdout)).toEqual(Array(5).fill('done\n'));
    expect(peak).toBe(1);
    await h.plugin.shutdown();
    expect(await idle()).toBe(0);
  });

  it('opens another connection when the server refuses more sessions (MaxSessions 3)', async () => {
    const h = await harness({ max_connections_per_host: 4 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => h.run({ ...target(sshd), command: 'sleep 0.5; echo done' })),
    );
    expect(results.map((r) => r.result.error)).toEqual(Array(6).fill(undefined));
    await h.plugin.shutdown();
    expect(await idle()).toBe(0);
  });

  it('separate connections per credentials', async () => {
    const h = await harness();
    const { private_key: _, ...noKey } = target(sshd);
    await h.run({ ...target(sshd), command: 'true' });
    await h.run({ ...noKey, password: sshd.password, command: 'true' });
    expect(connections()).toBe(2);
    await h.plugin.shutdown();
    expect(await idle()).toBe(0);
  });

  it('a pooled connection the server dropped is replaced', async () => {
    const h = await harness();
    await h.run({ ...target(sshd), command: 'true' });
    // the server side of the connection goes away (its per-connection sshd processes killed)
    execFileSync('pkill', ['-KILL', '-P', String(sshd.pid)]);
    const { result } = await h.run({ ...target(sshd), command: 'echo again' });
    expect(result.outputs.stdout).toBe('again\n');
    await h.plugin.shutdown();
  });
});

describe('a server that stops answering', () => {
  it('shutdown still closes its pooled connection within a bound', async () => {
    const h = await harness();
    await h.run({ ...target(sshd), command: 'true' });
    // the whole server side of the connection: monitor, session process, the command
    const server = descendants(sshd.pid);
    execFileSync('kill', ['-STOP', ...server]);
    try {
      // bounded here too, so the server is always resumed (a hung shutdown would skip the finally)
      const done = await Promise.race([
        h.plugin.shutdown().then(() => true),
        sleep(10_000).then(() => false),
      ]);
      expect(done, 'shutdown did not finish within 10 s').toBe(true);
    } finally {
      execFileSync('kill', ['-CONT', ...server]);
    }
    expect(await idle()).toBe(0);
  });
});

describe('ConnectionPool', () => {
  const fake = () => {
    let close!: () => void;
    const conn: Poolable & { ended: boolean } = {
      ended: false,
      closed: new Promise<void>((r) => {
        close = r;
      }),
      close() {
        this.ended = true;
        close();
      },
    };
    return conn;
  };

  it('a new connection is leased to the work that opened it before waiters see it (no oversubscription)', async () => {
    const pool = new ConnectionPool({ perKey: 1, perConnection: 1, idleMs: 10_000 });
    const opened = fake();
    const open = () => new Promise<typeof opened>((r) => setTimeout(() => r(opened), 10));
    let held = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        const lease = await pool.acquire('k', open, undefined);
        most = Math.max(most, ++held);
        await new Promise((r) => setTimeout(r, 5));
        held--;
        lease.release();
      }),
    );
    expect(most).toBe(1);
    await pool.closeAll();
  });

  it('a waiting acquire rejects when its signal aborts, and closeAll closes what it holds', async () => {
    const pool = new ConnectionPool({ perKey: 1, perConnection: 1, idleMs: 10_000 });
    const conn = fake();
    const lease = await pool.acquire('k', async () => conn, undefined);
    const controller = new AbortController();
    const waiting = pool.acquire('k', async () => fake(), controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    lease.release();
    expect(pool.size).toBe(1);
    await pool.closeAll();
    expect(conn.ended).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('a discarded connection is closed once its last session ends, and not handed out again', async () => {
    const pool = new ConnectionPool({ perKey: 2, perConnection: 2, idleMs: 10_000 });
    const conn = fake();
    const a = await pool.acquire('k', async () => conn, undefined);
    const b = await pool.acquire('k', async () => fake(), undefined);
    expect(b.conn).toBe(conn);
    a.discard();
    expect(conn.ended).toBe(false);
    const c = await pool.acquire('k', async () => fake(), undefined);
    expect(c.conn).not.toBe(conn);
    b.release();
    expect(conn.ended).toBe(true);
    c.release();
    await pool.closeAll();
    const error = await rejection(pool.acquire('k', async () => fake(), AbortSignal.abort()));
    expect(isAbortError(error) || error.name === 'AbortError').toBe(true);
  });
});
