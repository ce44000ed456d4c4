import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { countManaged, docker, dockerWork, newExecutor } from './support/docker';

let executor: DockerExecutor;
let dir: string;
beforeAll(async () => {
  executor = await newExecutor();
  dir = mkdtempSync(join(tmpdir(), 'ubom-docker-vol-'));
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

describe('mount safety', () => {
  it('refuses bind mounts of /, the Docker socket and folders holding it, all reported at once', async () => {
    const issues = await refusal({
      command: ['true'],
      volumes: [
        { source: '/', target: '/host', read_only: true },
        { source: '/var/run/docker.sock', target: '/var/run/docker.sock' },
        { source: '/var/run', target: '/hostrun' },
        { source: '/run/', target: '/hostrun2' },
        { source: '/tmp', target: '/ok' },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'executor_config.volumes[0].source',
      'executor_config.volumes[1].source',
      'executor_config.volumes[2].source',
      'executor_config.volumes[3].source',
    ]);
    expect(issues[0]?.message).toBe(
      `mounting "/" is refused: it is the host's root file system; the plugin config must set allow_dangerous_mounts`,
    );
    expect(issues[1]?.message).toMatch(/it is the Docker socket/);
    expect(issues[2]?.message).toMatch(/it holds the Docker socket/);
  });

  it('sees through symlinks and ".." to the real path', async () => {
    const link = join(dir, 'root-link');
    symlinkSync('/', link);
    try {
      const issues = await refusal({
        command: ['true'],
        volumes: [
          { source: link, target: '/a' },
          { source: `${dir}/../../var/run/../run`, target: '/b' },
        ],
      });
      expect(issues.map((i) => i.message)).toEqual([
        expect.stringMatching(/it is the host's root file system/),
        expect.stringMatching(/it holds the Docker socket/),
      ]);
    } finally {
      rmSync(link);
    }
  });

  it('allows them when the plugin config sets allow_dangerous_mounts', async () => {
    const permissive = await newExecutor({ allow_dangerous_mounts: true });
    const result = await permissive.execute(
      dockerWork({
        command: ['sh', '-c', 'test -S /host/run/docker.sock && echo seen'],
        volumes: [{ source: '/', target: '/host', read_only: true }],
      }),
      {},
    );
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe('seen\n');
  });

  it('restricts bind mount sources to allowed_host_paths', async () => {
    const restricted = await newExecutor({ allowed_host_paths: [dir] });
    const ok = await restricted.execute(
      dockerWork({
        command: ['cat', '/data/input.txt'],
        volumes: [{ source: dir, target: '/data', read_only: true }],
      }),
      {},
    );
    expect(ok.success).toBe(true);
    const issues = await refusal(
      {
        command: ['true'],
        volumes: [
          { source: '/etc', target: '/etc2', read_only: true },
          { source: `${dir}/../`, target: '/up' },
          { source: `${dir}-sibling`, target: '/sib' },
        ],
      },
      restricted,
    );
    expect(issues).toEqual([
      {
        path: 'executor_config.volumes[0].source',
        message: `"/etc" is outside the allowed host paths (${dir})`,
      },
      {
        path: 'executor_config.volumes[1].source',
        message: expect.stringMatching(/outside the allowed host paths/),
      },
      {
        path: 'executor_config.volumes[2].source',
        message: expect.stringMatching(/outside the allowed host paths/),
      },
    ]);
  });

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
