import { isAbortError } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcWork, type RunningServerT, setupExecutor, startServer } from './helpers';

describe('channel pooling, cancellation and shutdown', () => {
  let server: RunningServerT;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });
  const unary = (extra: Record<string, unknown> = {}) =>
    grpcWork({
      endpoint: server.address,
      method: 'demo.v1.Echo/Unary',
      tls: { enabled: false },
      request: { message: 'pooled' },
      ...extra,
    });

  it('reuses one channel, hence one connection, for many works, sequential and concurrent', async () => {
    const { executor, registry } = await setupExecutor();
    server.peers.clear();
    try {
      for (let i = 0; i < 10; i++) expect((await registry.execute(unary())).success).toBe(true);
      const results = await Promise.all(Array.from({ length: 30 }, () => registry.execute(unary())));
      expect(results.every((r) => r.success)).toBe(true);
      expect(server.peers.size).toBe(1);
      expect(executor.state.stats).toEqual({ channels: 1, inFlight: 0 });
    } finally {
      await executor.shutdown();
    }
  });

  it('opens separate channels for different credentials or retry policies, and closes them all on shutdown', async () => {
    const { executor, registry } = await setupExecutor();
    server.peers.clear();
    await registry.execute(unary());
    await registry.execute(unary({ retry: { max_attempts: 2 } }));
    await registry.execute(unary({ retry: { max_attempts: 2 } }));
    const state = executor.state;
    expect(state.stats.channels).toBe(2);
    expect(server.peers.size).toBe(2);
    await executor.shutdown();
    expect(state.stats).toEqual({ channels: 0, inFlight: 0 });
    // still usable after shutdown + initialize, on a new connection
    await executor.initialize({});
    expect((await registry.execute(unary())).success).toBe(true);
    expect(server.peers.size).toBe(3);
    await executor.shutdown();
  });

  it('closes the least recently used channel beyond max_channels', async () => {
    const { executor, registry } = await setupExecutor({ max_channels: 2 });
    try {
      for (const attempts of [2, 3, 4]) await registry.execute(unary({ retry: { max_attempts: attempts } }));
      expect(executor.state.stats.channels).toBe(2);
    } finally {
      await executor.shutdown();
    }
  });

  it('cancels the call when the signal aborts: AbortError after the server saw the cancel', async () => {
    const { executor, registry } = await setupExecutor();
    try {
      const cancelled = server.state.cancelled;
      const controller = new AbortController();
      const running = registry.execute(
        unary({ method: 'demo.v1.Echo/Sleep', request: { delay_ms: -1 } }),
        {},
        { signal: controller.signal },
      );
      await expect.poll(() => server.state.active).toBeGreaterThan(0);
      controller.abort();
      const error = await running.catch((e: unknown) => e);
      expect(isAbortError(error)).toBe(true);
      await expect.poll(() => server.state.cancelled).toBe(cancelled + 1);
      expect(executor.state.stats.inFlight).toBe(0);
    } finally {
      await executor.shutdown();
    }
  });

  it('cancels a server stream mid-way and keeps nothing running', async () => {
    const { executor, registry } = await setupExecutor();
    try {
      const controller = new AbortController();
      let seen = 0;
      const running = registry.execute(
        unary({ method: 'demo.v1.Echo/ServerStream', request: { repeat: 1000, delay_ms: 20 } }),
        {},
        {
          signal: controller.signal,
          onLog: (e) => {
            if (e.source === 'stdout' && ++seen === 3) controller.abort();
          },
        },
      );
      expect(isAbortError(await running.catch((e: unknown) => e))).toBe(true);
      await expect.poll(() => server.state.active).toBe(0);
      expect(executor.state.stats.inFlight).toBe(0);
    } finally {
      await executor.shutdown();
    }
  });

  it('shutdown cancels calls still running, waits for them (AbortError), then closes the channels', async () => {
    const { executor, registry } = await setupExecutor();
    const state = executor.state;
    const cancelled = server.state.cancelled;
    const running = registry
      .execute(unary({ method: 'demo.v1.Echo/Sleep', request: { delay_ms: -1 } }))
      .catch((e: unknown) => e);
    await expect.poll(() => state.stats.inFlight).toBe(1);
    await expect.poll(() => server.state.active).toBeGreaterThan(0);
    await executor.shutdown();
    expect(executor.activeWorks).toBe(0);
    expect(isAbortError(await running)).toBe(true);
    expect(state.stats).toEqual({ channels: 0, inFlight: 0 });
    await expect.poll(() => server.state.cancelled).toBe(cancelled + 1);
    await expect.poll(() => server.state.active).toBe(0);
  });
});
