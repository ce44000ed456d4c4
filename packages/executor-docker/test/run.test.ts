import { createAjv } from '@ubom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { countManaged, docker, dockerWork, IMAGE, logWatcher, newExecutor } from './support/docker';

let executor: DockerExecutor;
beforeAll(async () => {
  executor = await newExecutor();
});
afterAll(async () => {
  await executor.shutdown();
  expect(await countManaged()).toBe(0);
});

const stdoutOf = (logs: { source?: string; message: string }[]) =>
  logs.filter((l) => l.source === 'stdout').map((l) => l.message);

describe('running containers', () => {
  it('passes environment and secret_environment to the container, and masks the secret', async () => {
    process.env.UBOM_WORKER_ONLY = 'worker';
    const result = await executor.execute(
      dockerWork({
        command: ['sh', '-c', 'echo "$GREETING, $WHO"; echo "token=$TOKEN"; env | sort'],
        environment: { GREETING: 'hello', WHO: 'docker world' },
        secret_environment: { TOKEN: 'tok-4f9a2c' },
      }),
      {},
    );
    expect(result.success).toBe(true);
    const out = stdoutOf(result.logs);
    expect(out[0]).toBe('hello, docker world');
    expect(out[1]).toBe('token=***');
    expect(out).toContain('GREETING=hello');
    expect(out).toContain('TOKEN=***');
    expect(JSON.stringify(result)).not.toContain('tok-4f9a2c');
    // the image's PATH and what the work set, never the worker's own environment
    expect(out).toContain('PATH=/bin');
    expect(out.filter((l) => l.startsWith('UBOM_WORKER_ONLY='))).toEqual([]);
  });

  it('splits a string command like a shell, without running one', async () => {
    const result = await executor.execute(
      dockerWork({ command: `printf '%s|' "two words" it\\'s 'single $HOME'` }),
      {},
    );
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe("two words|it's|single $HOME|");
  });

  it('honours entrypoint, working_dir and user', async () => {
    const result = await executor.execute(
      dockerWork({
        entrypoint: ['sh', '-c'],
        command: ['pwd; id -u; id -g'],
        working_dir: '/tmp',
        user: '65534:65534',
      }),
      {},
    );
    expect(result.success).toBe(true);
    expect(stdoutOf(result.logs)).toEqual(['/tmp', '65534', '65534']);
  });

  it('resolves success:false with the exit code and the last stderr lines when the container fails', async () => {
    const result = await executor.execute(
      dockerWork({ command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7; do echo "problem $i" >&2; done; exit 3'] }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(3);
    expect(result.metrics.exitCode).toBe(3);
    expect(result.error).toBe(
      'the container exited with code 3: problem 3\nproblem 4\nproblem 5\nproblem 6\nproblem 7',
    );
    expect(result.outputs.oom_killed).toBe(false);
  });

  it('keeps the order of interleaved stdout and stderr lines, streamed live and in the result', async () => {
    // Docker reads stdout and stderr through separate pipes, so lines written at the same instant may
    // swap; the order it delivers is the order the executor keeps. Pauses make the order well defined.
    const script = 'for i in 1 2 3; do echo "out $i"; usleep 50000; echo "err $i" >&2; usleep 50000; done';
    const watch = logWatcher();
    const result = await executor.execute(
      dockerWork({ command: ['sh', '-c', script] }),
      {},
      { onLog: watch.onLog },
    );
    expect(result.success).toBe(true);
    const expected = ['out 1', 'err 1', 'out 2', 'err 2', 'out 3', 'err 3'];
    const sources = ['stdout', 'stderr', 'stdout', 'stderr', 'stdout', 'stderr'];
    const live = watch.lines.filter((l) => l.source !== 'executor');
    expect(live.map((l) => l.message)).toEqual(expected);
    expect(live.map((l) => l.source)).toEqual(sources);
    const kept = result.logs.filter((l) => l.source !== 'executor');
    expect(kept.map((l) => l.message)).toEqual(expected);
    const seqs = result.logs.map((l) => l.seq ?? -1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(result.outputs.stdout).toBe('out 1\nout 2\nout 3\n');
    expect(result.outputs.stderr).toBe('err 1\nerr 2\nerr 3\n');
  });

  it('reports the image digest, the container id and the pull/create/run durations', async () => {
    const result = await executor.execute(dockerWork({ command: ['true'] }), {});
    const image = await docker.getImage(IMAGE).inspect();
    expect(result.success).toBe(true);
    // the ID (an imported image has no repository digest), unless a registry served this very image
    // (pull.test.ts does so at the same time): then repo@sha256:…
    expect(result.outputs.image).toMatch(new RegExp(`^(${image.Id}|[^@]+@sha256:[0-9a-f]{64})$`));
    expect(result.outputs.image_id).toBe(image.Id);
    expect(result.outputs.container_id).toMatch(/^[a-f0-9]{64}$/);
    for (const key of ['pullMs', 'createMs', 'runMs']) expect(typeof result.metrics[key]).toBe('number');
    expect(result.metrics.pullMs).toBe(0);
    expect(result.metrics.exitCode).toBe(0);
    const outputsSchema = createAjv().compile(executor.getSchema().outputs as object);
    expect(outputsSchema(result.outputs), JSON.stringify(outputsSchema.errors)).toBe(true);
  });
});

describe('outputs_file', () => {
  it('returns the JSON the container wrote as outputs.result', async () => {
    const result = await executor.execute(
      dockerWork({
        command: [
          'sh',
          '-c',
          'mkdir -p /out && echo \'{"rows": 42, "files": ["a.csv", "b.csv"], "ok": true}\' > /out/result.json',
        ],
        outputs_file: '/out/result.json',
      }),
      {},
    );
    expect(result.success).toBe(true);
    expect(result.outputs.result).toEqual({ rows: 42, files: ['a.csv', 'b.csv'], ok: true });
  });

  it('fails the work when the container did not write outputs_file', async () => {
    const result = await executor.execute(
      dockerWork({ command: ['true'], outputs_file: '/out/none.json' }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.error).toBe('the container did not write outputs_file "/out/none.json"');
    expect(result.outputs.result).toBeUndefined();
  });

  it('fails the work when outputs_file is not JSON', async () => {
    const result = await executor.execute(
      dockerWork({ command: ['sh', '-c', 'echo "rows: 42" > /tmp/r.yaml'], outputs_file: '/tmp/r.yaml' }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^outputs_file "\/tmp\/r.yaml" is not JSON/);
  });

  it('still reads outputs_file when the container exits non-zero', async () => {
    const result = await executor.execute(
      dockerWork({
        command: ['sh', '-c', 'echo \'{"failed_rows": 3}\' > /tmp/r.json; exit 2'],
        outputs_file: '/tmp/r.json',
      }),
      {},
    );
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(2);
    expect(result.outputs.result).toEqual({ failed_rows: 3 });
  });
});

describe('labels and keep_container', () => {
  it('labels the container (managed, work id, owner, user labels) and keeps it stopped when asked', async () => {
    const result = await executor.execute(
      dockerWork(
        { command: ['true'], labels: { team: 'data', 'com.example.job': 'nightly' }, keep_container: true },
        'kept-work',
      ),
      {},
    );
    const id = String(result.outputs.container_id);
    try {
      const info = await docker.getContainer(id).inspect();
      expect(info.State.Running).toBe(false);
      expect(info.Config.Labels).toMatchObject({
        'ubom.managed': 'true',
        'ubom.work-id': 'kept-work',
        'ubom.owner': expect.stringMatching(new RegExp(`:${process.pid}$`)),
        'ubom.keep': 'true',
        team: 'data',
        'com.example.job': 'nightly',
      });
      expect(info.HostConfig.Privileged).toBe(false);
      expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    } finally {
      await docker.getContainer(id).remove({ force: true });
    }
  });

  it('removes the container of a finished work: idle() resolves once it is gone', async () => {
    const result = await executor.execute(dockerWork({ command: ['true'] }), {});
    await executor.state.idle();
    expect(executor.state.activeContainers).toBe(0);
    await expect(docker.getContainer(String(result.outputs.container_id)).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('shutdown() waits for the removal of containers whose work already finished', async () => {
    const other = await newExecutor();
    const results = await Promise.all([
      other.execute(dockerWork({ command: ['true'] }), {}),
      other.execute(dockerWork({ command: ['sh', '-c', 'exit 3'] }), {}),
    ]);
    expect(results.map((r) => r.outputs.exit_code)).toEqual([0, 3]);
    const state = other.state;
    await other.shutdown();
    expect(state.activeContainers).toBe(0);
    expect(await countManaged()).toBe(0);
  });
});
