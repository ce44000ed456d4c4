import { MAX_DURATION_MS } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { deadlineAfter } from '../src/request';
import { dryRun, grpcWork, type RunningServerT, setupExecutor, startServer } from './helpers';

let keys = 0;

describe("retries (grpc-js's own retry policy) and deadlines", () => {
  let server: RunningServerT;
  let ctx: Awaited<ReturnType<typeof setupExecutor>>;
  const plain = (): { endpoint: string; tls: { enabled: false } } => ({
    endpoint: server.address,
    tls: { enabled: false },
  });
  const flaky = (
    failTimes: number,
    retry: Record<string, unknown> | undefined,
    extra: Record<string, unknown> = {},
  ) =>
    grpcWork({
      endpoint: server.address,
      method: 'demo.v1.Echo/Flaky',
      tls: { enabled: false },
      request: { key: `k${++keys}`, fail_times: failTimes },
      ...(retry ? { retry } : {}),
      ...extra,
    });

  beforeAll(async () => {
    server = await startServer();
    ctx = await setupExecutor();
    // methods resolved ahead (reflection), so the short timeouts below land on the calls themselves
    for (const method of ['Flaky', 'Sleep', 'Unary'])
      await dryRun(ctx.executor, grpcWork({ ...plain(), method: `demo.v1.Echo/${method}` }));
  });
  afterAll(async () => {
    await ctx.executor.shutdown();
    await server.stop();
  });

  it('retries UNAVAILABLE and succeeds when the server fails the first N calls', async () => {
    const result = await ctx.registry.execute(
      flaky(2, { max_attempts: 3, initial_delay: '20ms', max_delay: '50ms' }),
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs.response).toMatchObject({ message: 'ok after 3 calls', received: 3 });
    expect(result.metrics.attempts).toBe(3);
  });

  it('gives up after max_attempts with success:false and the code name', async () => {
    const result = await ctx.registry.execute(flaky(5, { max_attempts: 3, initial_delay: '10ms' }));
    expect(result.success).toBe(false);
    expect(result.outputs.code).toBe('UNAVAILABLE');
    expect(result.error).toBe('UNAVAILABLE: failing call 3 of 5');
    expect(result.metrics.attempts).toBe(3);
  });

  it('does not retry without a retry policy', async () => {
    const result = await ctx.registry.execute(flaky(1, undefined));
    expect(result.outputs.code).toBe('UNAVAILABLE');
    expect(result.metrics.attempts).toBe(1);
  });

  it('retries only retryable_codes', async () => {
    const result = await ctx.registry.execute(
      flaky(2, { max_attempts: 4, initial_delay: '10ms', retryable_codes: ['RESOURCE_EXHAUSTED'] }),
    );
    expect(result.outputs.code).toBe('UNAVAILABLE');
    expect(result.metrics.attempts).toBe(1);
  });

  it('allows more than grpc-js default cap of 5 attempts when asked', async () => {
    const result = await ctx.registry.execute(
      flaky(6, { max_attempts: 7, initial_delay: '5ms', max_delay: '10ms' }),
    );
    expect(result.success).toBe(true);
    expect(result.metrics.attempts).toBe(7);
  });

  it('the timeout covers every attempt: long backoffs end in DEADLINE_EXCEEDED, not in more attempts', async () => {
    const result = await ctx.registry.execute(
      flaky(10, { max_attempts: 5, initial_delay: '5s', max_delay: '5s' }, { timeout: '300ms' }),
    );
    expect(result).toMatchObject({ success: false, error: 'timed out after 300ms' });
    expect(result.outputs.code).toBe('DEADLINE_EXCEEDED');
    expect(result.metrics.timedOut).toBe(true);
  });

  it('a call that outlives its timeout ends "timed out", DEADLINE_EXCEEDED, and the server sees it cancelled', async () => {
    const cancelled = server.state.cancelled;
    const result = await ctx.registry.execute(
      grpcWork({
        endpoint: server.address,
        method: 'demo.v1.Echo/Sleep',
        tls: { enabled: false },
        request: { delay_ms: 10_000 },
        timeout: '200ms',
      }),
    );
    expect(result).toMatchObject({ success: false, error: 'timed out after 200ms' });
    expect(result.outputs).toMatchObject({ code: 'DEADLINE_EXCEEDED', details: "the work's timeout passed" });
    expect(result.metrics).toMatchObject({ timedOut: true, attempts: 1, method: '/demo.v1.Echo/Sleep' });
    await expect.poll(() => server.state.cancelled).toBe(cancelled + 1);
    expect(ctx.executor.state.stats.inFlight).toBe(0);
  });

  it('a timeout that passes while the method is still being resolved ends the same way', async () => {
    const fresh = await setupExecutor(); // nothing resolved yet: the timeout lands on reflection
    try {
      const result = await fresh.registry.execute(
        grpcWork({ ...plain(), method: 'demo.v1.Echo/Unary', request: {}, timeout: '1ms' }),
      );
      expect(result).toMatchObject({ success: false, error: 'timed out after 1ms' });
      expect(result.outputs).toMatchObject({ code: 'DEADLINE_EXCEEDED', headers: {}, trailers: {} });
      expect(result.metrics).toMatchObject({ timedOut: true, messagesSent: 0 });
      expect(fresh.executor.state.stats.inFlight).toBe(0);
    } finally {
      await fresh.executor.shutdown();
    }
  });

  it('the server sees the deadline (grpc-timeout), never beyond what grpc-js accepts', async () => {
    const deadline = await ctx.registry.execute(
      grpcWork({
        endpoint: server.address,
        method: 'demo.v1.Echo/Unary',
        tls: { enabled: false },
        request: { message: 'x' },
        timeout: '596h',
      }),
    );
    expect(deadline.success).toBe(true);
    const seen = Number(server.state.lastDeadline) - Date.now();
    expect(seen).toBeGreaterThan(MAX_DURATION_MS - 60_000);
    expect(seen).toBeLessThanOrEqual(MAX_DURATION_MS + 1000);
    expect(deadlineAfter(Number.MAX_SAFE_INTEGER) - Date.now()).toBeLessThanOrEqual(MAX_DURATION_MS);
  });

  it('a far deadline is a ValidationError naming the maximum, never a crash (issue 12, item 1)', async () => {
    const far = { endpoint: server.address, method: 'demo.v1.Echo/Unary', tls: { enabled: false } };
    for (const [config, path] of [
      [{ ...far, timeout: '9999999999h' }, 'executor_config.timeout'],
      [{ ...far, timeout: 1e300 }, 'executor_config.timeout'],
      [{ ...far, retry: { initial_delay: '9999999999h' } }, 'executor_config.retry.initial_delay'],
      [{ ...far, retry: { max_delay: 1e300 } }, 'executor_config.retry.max_delay'],
    ] as const) {
      await expect(ctx.executor.execute(grpcWork(config))).rejects.toMatchObject({
        code: 'VALIDATION',
        issues: [{ path, message: 'must be at most 596h' }],
      });
    }
    const plugin = createPlugin();
    await expect(plugin.initialize({ reflection_timeout: '9999999999h' })).rejects.toMatchObject({
      issues: [{ path: 'config.reflection_timeout', message: 'must be at most 596h' }],
    });
  });
});
