import { afterEach, describe, expect, it } from 'vitest';
import { type ChildServer, grpcWork, setupExecutor, spawnServer } from './helpers';

describe('a server killed mid-call', () => {
  const servers: ChildServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.kill()));
  });

  it('is retried after it comes back within the backoff window, and the work succeeds', async () => {
    const first = await spawnServer({ announce: true });
    servers.push(first);
    const { executor, registry } = await setupExecutor();
    try {
      const work = grpcWork({
        endpoint: `127.0.0.1:${first.port}`,
        method: 'demo.v1.Echo/Sleep',
        tls: { enabled: false },
        request: { message: 'survivor', delay_ms: 1500 },
        retry: { max_attempts: 8, initial_delay: '1s', max_delay: '2s' },
        timeout: '20s',
      });
      // warm: descriptors by reflection and a connection, so the kill lands on the call itself
      await executor.dryRun(work);
      const running = registry.execute(work);
      expect(await first.nextLine()).toBe('sleeping'); // the call is on the server now
      await first.kill();
      const second = await spawnServer({ port: first.port });
      servers.push(second);
      const result = await running;
      expect(result.error).toBeUndefined();
      expect(result.outputs.response).toMatchObject({ message: 'survivor' });
      expect(result.metrics.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await executor.shutdown();
    }
  });

  it('without a retry policy the same kill ends the work with UNAVAILABLE', async () => {
    const server = await spawnServer({ announce: true });
    servers.push(server);
    const { executor, registry } = await setupExecutor();
    try {
      const work = grpcWork({
        endpoint: `127.0.0.1:${server.port}`,
        method: 'demo.v1.Echo/Sleep',
        tls: { enabled: false },
        request: { delay_ms: 5000 },
      });
      await executor.dryRun(work);
      const running = registry.execute(work);
      expect(await server.nextLine()).toBe('sleeping');
      await server.kill();
      const result = await running;
      expect(result.success).toBe(false);
      expect(result.outputs.code).toBe('UNAVAILABLE');
    } finally {
      await executor.shutdown();
    }
  });
});
