import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { dryRun, grpcWork, type RunningServerT, startServer } from './helpers';

describe('healthCheck and dry run through grpc.health.v1', () => {
  let server: RunningServerT;
  let noHealth: RunningServerT;
  beforeAll(async () => {
    server = await startServer();
    noHealth = await startServer({ health: false });
  });
  afterAll(async () => {
    await Promise.all([server.stop(), noHealth.stop()]);
  });

  const plugin = async (config: Record<string, unknown>) => {
    const executor = createPlugin();
    await executor.initialize(config);
    return executor;
  };

  it('is healthy with no health_targets, and when every target says SERVING', async () => {
    const idle = await plugin({});
    await expect(idle.healthCheck()).resolves.toBeUndefined();
    await idle.shutdown();
    const executor = await plugin({
      health_targets: [
        { endpoint: server.address, tls: { enabled: false } },
        { endpoint: server.address, tls: { enabled: false }, service: 'demo.v1.Echo' },
      ],
    });
    await expect(executor.healthCheck()).resolves.toBeUndefined();
    await executor.shutdown();
  });

  it('throws UnavailableError naming the target that is not SERVING', async () => {
    const executor = await plugin({
      health_targets: [{ endpoint: server.address, tls: { enabled: false }, service: 'demo.v1.Unknown' }],
    });
    await expect(executor.healthCheck()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('demo.v1.Unknown is not healthy: NOT_FOUND'),
    });
    await executor.shutdown();
  });

  it('throws UnavailableError when a target cannot be reached', async () => {
    const gone = await startServer();
    const address = gone.address;
    await gone.stop();
    const executor = await plugin({
      health_targets: [{ endpoint: address, tls: { enabled: false } }],
      reflection_timeout: '2s',
    });
    await expect(executor.healthCheck()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await executor.shutdown();
  });

  it('refuses a bad plugin config at initialize', async () => {
    await expect(plugin({ max_channels: 0 })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'config.max_channels' }],
    });
  });

  it('dry run reports NO_HEALTH_SERVICE for a server without grpc.health.v1, after resolving the method', async () => {
    const executor = await plugin({});
    const report = await dryRun(
      executor,
      grpcWork({
        endpoint: noHealth.address,
        tls: { enabled: false },
        method: 'demo.v1.Echo/Unary',
        request: {},
      }),
    );
    expect(report.health).toBe('NO_HEALTH_SERVICE');
    await executor.shutdown();
  });

  it('dry run refuses a bad request field without calling the method', async () => {
    const executor = await plugin({});
    const calls = server.state.calls;
    await expect(
      dryRun(
        executor,
        grpcWork({
          endpoint: server.address,
          tls: { enabled: false },
          method: 'demo.v1.Echo/Unary',
          request: { mood: 'ANGRY' },
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'executor_config.request.mood' }] });
    expect(server.state.calls).toBe(calls);
    await executor.shutdown();
  });
});
