import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { countManaged, docker, dockerWork, newExecutor } from './support/docker';

let executor: DockerExecutor;
let dir: string;
beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-vol-')));
  // host bind mounts are off by default: this folder is the one allowed
  executor = await newExecutor({ allowed_host_paths: [dir] });
  writeFileSync(join(dir, 'input.txt'), 'from the host\n');
});
afterAll(async () => {
  await executor.shutdown();
  rmSync(dir, { recursive: true, force: true });
  expect(await countManaged()).toBe(0);
});

/** The ValidationError issues `execute` rejects with (and that nothing ran). */
async function refusal(config: Record<string, unknown>, on: DockerExecutor = executor) {
  await on.state.idle();
  const before = await countManaged();
  const error = await on.execute(dockerWork(config), {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: 'VALIDATION' });
  expect(await countManaged()).toBe(before);
  return (error as { issues: { path: string; message: string }[] }).issues;
}

describe('volumes', () => {
  it('mounts a read-only volume: reading works, writing fails', async () => {
    const result = await executor.execute(
      dockerWork({
        command: ['sh', '-c', 'cat /data/input.txt; echo changed > /data/input.txt'],
        volumes: [{ source: dir, target: '/data', read_only: true }],
      }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.outputs.stdout).toBe('from the host\n');
    expect(result.error).toMatch(/Read-only file system/);
    expect(readFileSync(join(dir, 'input.txt'), 'utf8')).toBe('from the host\n');
  });

  it('mounts a writable volume: the host sees what the container wrote', async () => {
    const result = await executor.execute(
      dockerWork({
        command: ['sh', '-c', 'echo written > /data/output.txt'],
        volumes: [{ source: dir, target: '/data' }],
      }),
      {},
    );
    expect(result.success).toBe(true);
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toBe('written\n');
  });

  it('mounts a named Docker volume', async () => {
    const name = `ubom-test-vol-${process.pid}`;
    try {
      const write = await executor.execute(
        dockerWork({
          command: ['sh', '-c', 'echo kept > /v/file'],
          volumes: [{ source: name, target: '/v' }],
        }),
        {},
      );
      const read = await executor.execute(
        dockerWork({
          command: ['cat', '/v/file'],
          volumes: [{ source: name, target: '/v', read_only: true }],
        }),
        {},
      );
      expect([write.success, read.success]).toEqual([true, true]);
      expect(read.outputs.stdout).toBe('kept\n');
    } finally {
      await executor.state.idle(); // the volume is in use until the read's container is removed
      await docker.getVolume(name).remove({ force: true });
    }
  });
});

describe('mount checks', () => {
  it('a bind source that does not exist on the host is a ValidationError, and no container remains', async () => {
    const issues = await refusal({
      command: ['true'],
      volumes: [{ source: `${dir}/missing`, target: '/m' }],
    });
    expect(issues).toEqual([
      { path: 'executor_config.volumes', message: expect.stringMatching(/bind source path does not exist/) },
    ]);
  });

  it('refuses relative paths and a target mounted twice', async () => {
    const issues = await refusal({
      command: ['true'],
      volumes: [
        { source: './data', target: '/data' },
        { source: dir, target: '/data/' },
      ],
    });
    expect(issues).toEqual([
      {
        path: 'executor_config.volumes[0].source',
        message: 'must be an absolute host path or a volume name',
      },
      { path: 'executor_config.volumes[1].target', message: '"/data" is mounted twice' },
    ]);
  });
});
