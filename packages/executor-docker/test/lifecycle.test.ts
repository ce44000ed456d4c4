import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnhancedWorkRegistry } from '@ubom/core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../src/container';
import type { DockerExecutor } from '../src/executor';
import {
  countManaged,
  docker,
  dockerWork,
  IMAGE,
  logWatcher,
  managedContainers,
  newExecutor,
  RUN_LABELS,
} from './support/docker';

// the worker runs in its own node process: the executor's source, bundled (its dependencies stay external)
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.tmp', `crash-${process.pid}`);
const worker = join(dir, 'worker.mjs');

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(dir, 'executor.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  writeFileSync(
    worker,
    `import { createPlugin } from './executor.mjs';
const executor = createPlugin();
await executor.initialize({ sweep_orphans: false });
executor.execute(
  { id: 'crashing-worker', type: 'docker', executor_config: { image: ${JSON.stringify(IMAGE)}, command: ['sh', '-c', 'echo started; sleep 60'], labels: ${JSON.stringify(RUN_LABELS)} } },
  {},
  { onLog: (e) => { if (e.message === 'started') console.log('STARTED'); } },
);
`,
  );
});

let executor: DockerExecutor;
let registry: EnhancedWorkRegistry;
beforeAll(async () => {
  executor = await newExecutor();
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('docker', executor);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await executor.shutdown();
  expect(await countManaged()).toBe(0);
});

const outcome = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error as Error & { code?: string } }),
  );

/** Prints "ready", then sleeps; sh as PID 1 ignores SIGTERM, so only the kill stops it. */
const stubborn = (extra: Record<string, unknown> = {}) =>
  dockerWork({ command: ['sh', '-c', 'echo ready; sleep 60'], stop_grace_period: '1s', ...extra });

/** Traps SIGTERM, says so, and exits cleanly: a graceful stop. */
const graceful = (extra: Record<string, unknown> = {}) =>
  dockerWork({
    command: ['sh', '-c', 'trap "echo terminating; exit 0" TERM; echo ready; sleep 60 & wait'],
    stop_grace_period: '20s',
    ...extra,
  });

describe('timeouts', () => {
  it('stops, kills and removes the container when its own timeout elapses: success:false', async () => {
    const result = await executor.execute(stubborn({ timeout: '1s' }), {});
    expect(result.success).toBe(false);
    expect(result.error).toBe('timed out after 1s');
    expect(result.metrics.timedOut).toBe(true);
    expect(result.outputs.exit_code).toBe(137); // killed once the grace period was over
    expect(result.outputs.oom_killed).toBe(false);
    expect(result.logs.map((l) => l.message)).toEqual(
      expect.arrayContaining(['ready', 'stopping the container: timed out after 1s']),
    );
    expect(await countManaged()).toBe(0);
  });

  it('kills and removes the container when the work times out in the registry', async () => {
    const result = await registry.execute({ ...stubborn(), timeout: '1s' }, {});
    expect(result.success).toBe(false);
    expect(result.error).toBe('timed out after 1s');
    expect(await countManaged()).toBe(0);
  });
});

describe('cancellation', () => {
  it('gives the container its grace period: SIGTERM first, so it can finish cleanly', async () => {
    const controller = new AbortController();
    const watch = logWatcher();
    const running = outcome(
      executor.execute(graceful(), {}, { signal: controller.signal, onLog: watch.onLog }),
    );
    await watch.seen('ready');
    controller.abort();
    const { error } = (await running) as { error: Error & { code?: string } };
    expect(error.code).toBe('ABORTED');
    expect(watch.lines.map((l) => l.message)).toContain('terminating');
    expect(await countManaged()).toBe(0);
  });

  it('kills a container that ignores SIGTERM once the grace period is over', async () => {
    const controller = new AbortController();
    const watch = logWatcher();
    const running = outcome(
      executor.execute(stubborn(), {}, { signal: controller.signal, onLog: watch.onLog }),
    );
    await watch.seen('ready');
    controller.abort();
    const settled = await running;
    expect('error' in settled && settled.error.code).toBe('ABORTED');
    expect(await countManaged()).toBe(0);
  });

  it('leaves nothing behind whenever the cancel lands (before create, during start, while running)', async () => {
    const delays = [0, 5, 20, 50, 100, 200, 400];
    const settled = await Promise.all(
      delays.map(async (ms) => {
        const controller = new AbortController();
        const running = outcome(executor.execute(stubborn(), {}, { signal: controller.signal }));
        setTimeout(() => controller.abort(), ms);
        return running;
      }),
    );
    for (const s of settled) expect('error' in s && s.error.code).toBe('ABORTED');
    expect(await countManaged()).toBe(0);
  });

  it('shutdown() stops the works in flight and waits until their containers are gone', async () => {
    const other = await newExecutor();
    const a = logWatcher();
    const b = logWatcher();
    const runs = [
      outcome(other.execute(stubborn(), {}, { onLog: a.onLog })),
      outcome(other.execute(graceful(), {}, { onLog: b.onLog })),
    ];
    await Promise.all([a.seen('ready'), b.seen('ready')]);
    const state = other.state;
    expect(state.activeContainers).toBe(2);
    expect(other.activeWorks).toBe(2);
    await other.shutdown();
    expect(state.activeContainers).toBe(0);
    expect(other.activeWorks).toBe(0);
    expect(await countManaged()).toBe(0);
    for (const r of await Promise.all(runs)) expect('error' in r && r.error.code).toBe('ABORTED');
  });

  it('after a mix of success, failure, timeout, cancel and OOM, no managed container remains', async () => {
    const controller = new AbortController();
    const cancelled = logWatcher();
    void cancelled.seen('ready').then(() => controller.abort());
    const results = await Promise.all([
      outcome(executor.execute(dockerWork({ command: ['true'] }), {})),
      outcome(executor.execute(dockerWork({ command: ['false'] }), {})),
      outcome(executor.execute(stubborn({ timeout: '1s' }), {})),
      outcome(executor.execute(stubborn(), {}, { signal: controller.signal, onLog: cancelled.onLog })),
      outcome(
        executor.execute(
          dockerWork({
            command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=128M', 'count=1'],
            resources: { memory_limit: '16m' },
          }),
          {},
        ),
      ),
      outcome(executor.execute(dockerWork({ command: ['ubom-no-such-program'] }), {})),
    ]);
    const summary = results.map((r) =>
      'value' in r
        ? r.value.success
          ? 'ok'
          : r.value.outputs.oom_killed
            ? 'oom'
            : r.value.error
        : r.error.code,
    );
    expect(summary).toEqual([
      'ok',
      'the container exited with code 1',
      'timed out after 1s',
      'ABORTED',
      'oom',
      'NOT_FOUND',
    ]);
    expect(await countManaged()).toBe(0);
  });
});

describe('orphan sweep', () => {
  it('initialize removes managed containers whose owner process is gone, and only those', async () => {
    const dead = spawnSync('true').pid ?? 1;
    const make = async (owner: string, extra: Record<string, string> = {}) => {
      const c = await docker.createContainer({
        Image: IMAGE,
        Cmd: ['sleep', '60'],
        Labels: {
          ...RUN_LABELS,
          [LABELS.managed]: 'true',
          [LABELS.workId]: 'orphan-test',
          [LABELS.owner]: owner,
          ...extra,
        },
      });
      await c.start();
      return c.id;
    };
    const orphan = await make(`${hostname()}:${dead}`);
    const stoppedOrphan = await make(`${hostname()}:${dead}`);
    await docker.getContainer(stoppedOrphan).kill();
    const liveOwner = await make(`${hostname()}:${process.ppid}`);
    const otherHost = await make(`elsewhere.example:${dead}`);
    const kept = await make(`${hostname()}:${dead}`, { [LABELS.keep]: 'true' });
    try {
      const sweeper = await newExecutor({ sweep_orphans: true });
      // (orphans of other runs on this host may be swept too)
      expect(sweeper.state.sweptContainers).toEqual(expect.arrayContaining([orphan, stoppedOrphan]));
      for (const id of [liveOwner, otherHost, kept]) expect(sweeper.state.sweptContainers).not.toContain(id);
      for (const id of [orphan, stoppedOrphan])
        await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
      for (const id of [liveOwner, otherHost, kept])
        expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
    } finally {
      await Promise.all(
        [orphan, stoppedOrphan, liveOwner, otherHost, kept].map((id) =>
          docker
            .getContainer(id)
            .remove({ force: true })
            .catch(() => {}),
        ),
      );
    }
  });

  it('a worker killed mid-work leaves a labelled container behind, which the next initialize sweeps away', async () => {
    const child = spawn(process.execPath, [worker], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('STARTED')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the worker exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await exited;

    const owner = `${hostname()}:${child.pid}`;
    const left = await managedContainers(owner);
    expect(left).toHaveLength(1);
    expect(['created', 'running']).toContain(left[0]?.State); // the engine may not have marked it running yet
    expect(left[0]?.Labels['ubom.work-id']).toBe('crashing-worker');

    const next = await newExecutor({ sweep_orphans: true });
    expect(next.state.sweptContainers).toContain(left[0]?.Id);
    expect(await managedContainers(owner)).toEqual([]);
  });
});
