import { ValidationError } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerConfigSchema } from '../src/config';
import { createOptions } from '../src/container';
import type { DockerExecutor } from '../src/executor';
import { countManaged, docker, dockerWork, newExecutor } from './support/docker';

let executor: DockerExecutor;
beforeAll(async () => {
  executor = await newExecutor();
});
afterAll(async () => {
  await executor.shutdown();
  expect(await countManaged()).toBe(0);
});

const hostConfigOf = (resources: Record<string, unknown>) => {
  const work = dockerWork({ resources });
  return createOptions(work, dockerConfigSchema.parse(work.executor_config), 'x').HostConfig;
};

describe('resources', () => {
  it('maps cpu_limit to NanoCpus and memory_limit to bytes with swap equal to memory', () => {
    expect(hostConfigOf({ cpu_limit: '1.0', memory_limit: '512m' })).toMatchObject({
      NanoCpus: 1_000_000_000,
      Memory: 512 * 1024 ** 2,
      MemorySwap: 512 * 1024 ** 2,
    });
    expect(hostConfigOf({ cpu_limit: '0.5', memory_limit: '1g' })).toMatchObject({
      NanoCpus: 500_000_000,
      Memory: 1024 ** 3,
      MemorySwap: 1024 ** 3,
    });
    expect(hostConfigOf({ cpu_limit: 2, memory_limit: '8192k' })).toMatchObject({
      NanoCpus: 2_000_000_000,
      Memory: 8192 * 1024,
    });
  });

  it('refuses a memory_limit under the 6m Docker accepts, and a zero cpu_limit, before running anything', async () => {
    const work = dockerWork({ command: ['true'], resources: { memory_limit: '256k', cpu_limit: '0' } });
    const error = await executor.execute(work, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'executor_config.resources.memory_limit', message: 'must be at least 6m' },
      { path: 'executor_config.resources.cpu_limit', message: 'must be more than 0' },
    ]);
  });

  it('sets the limits on the container, visible in inspect', async () => {
    const result = await executor.execute(
      dockerWork({
        command: ['true'],
        resources: { cpu_limit: '0.5', memory_limit: '64m' },
        keep_container: true,
      }),
      {},
    );
    const container = docker.getContainer(String(result.outputs.container_id));
    try {
      const info = await container.inspect();
      expect(info.HostConfig.NanoCpus).toBe(500_000_000);
      expect(info.HostConfig.Memory).toBe(64 * 1024 ** 2);
      expect(info.HostConfig.MemorySwap).toBe(64 * 1024 ** 2);
      expect(info.HostConfig.Privileged).toBe(false);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('enforces the memory limit inside the container (cgroup)', async () => {
    const result = await executor.execute(
      dockerWork({
        command: [
          'sh',
          '-c',
          'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max',
        ],
        resources: { memory_limit: '48m' },
      }),
      {},
    );
    expect(result.success).toBe(true);
    expect(String(result.outputs.stdout).trim()).toBe(String(48 * 1024 ** 2));
  });

  it('does not call a SIGKILL an OOM kill when no memory_limit is set', async () => {
    const result = await executor.execute(
      dockerWork({ command: ['sh', '-c', 'sh -c "kill -9 \\$\\$"; exit $?'] }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(137);
    expect(result.outputs.oom_killed).toBe(false);
    expect(result.error).toMatch(/^the container exited with code 137/);
  });

  it('reports an OOM kill as such, and removes the container', async () => {
    const result = await executor.execute(
      dockerWork({
        command: ['sh', '-c', 'echo allocating; dd if=/dev/zero of=/dev/null bs=128M count=1'],
        resources: { memory_limit: '16m' },
      }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.outputs.oom_killed).toBe(true);
    expect(result.metrics.oomKilled).toBe(true);
    expect(result.outputs.exit_code).toBe(137);
    // the engine itself misses some OOM kills (exit seen before the OOM event): then it is inferred
    expect(result.metrics.oomSource).toMatch(/^(engine|inferred)$/);
    expect(result.error).toMatch(
      result.metrics.oomSource === 'engine'
        ? /^the container ran out of memory \(memory_limit 16m\) and was killed/
        : /^the container was killed \(exit code 137\), most likely out of memory \(memory_limit 16m\)/,
    );
    await executor.state.idle();
    expect(await countManaged()).toBe(0);
  });
});
