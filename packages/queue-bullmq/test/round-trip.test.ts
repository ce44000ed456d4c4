import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortError,
  BasePlugin,
  type LogEntry,
  NotFoundError,
  UnavailableError,
  ValidationError,
  type Work,
  type WorkResult,
  workResult,
} from '@ubom/core';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue, WorkWorker } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork } from './support/registry';

let name: string;
let redis: Redis;
let queue: WorkQueue;
let worker: WorkWorker | undefined;
let dir: string;

beforeEach(() => {
  name = uniqueQueue('rt');
  redis = redisClient();
  queue = new WorkQueue({ name, connection: REDIS_URL });
  dir = mkdtempSync(join(tmpdir(), 'ubom-queue-'));
});

afterEach(async () => {
  await worker?.close({ graceMs: 0 });
  worker = undefined;
  await queue.close();
  await dropQueue(redis, name);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

async function startWorker(
  options: Partial<ConstructorParameters<typeof WorkWorker>[0]> = {},
): Promise<WorkWorker> {
  worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry(), ...options });
  await worker.start();
  return worker;
}

describe('enqueue → result', () => {
  it('runs a work on a worker and resolves its WorkResult, following its logs live and in order', async () => {
    await startWorker();
    const handle = await queue.enqueue(
      shWork('hello', 'echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three'),
      { runId: 'r1' },
    );
    expect(handle.id).toBe('hello@r1');
    const seen: LogEntry[] = [];
    const result = await handle.result({ onLog: (e) => seen.push(e) });
    expect(result.success).toBe(true);
    expect(result.outputs.exit_code).toBe(0);
    expect(result.outputs.stdout).toBe('one\nthree\n');
    expect(result.metrics.jobAttempt).toBe(1);
    const lines = seen.filter((e) => e.source !== 'executor').map((e) => `${e.source}:${e.message}`);
    // each stream in its order (stdout and stderr are two pipes: their interleaving is the kernel's)
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual(['stdout:one', 'stdout:three']);
    expect(lines.filter((l) => l.startsWith('stderr:'))).toEqual(['stderr:two']);
    expect(seen.map((e) => e.seq)).toEqual(result.logs.map((e) => e.seq));
    expect(await handle.state()).toBe('completed');
  });

  it('iterates the logs of a work with handle.logs(), ending when the work ends', async () => {
    await startWorker();
    const handle = await queue.enqueue(shWork('iter', 'for i in 1 2 3; do echo line $i; sleep 0.02; done'));
    const lines: string[] = [];
    for await (const entry of handle.logs()) if (entry.source === 'stdout') lines.push(entry.message);
    expect(lines).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('follows a chatty work once its stored logs are trimmed: in order, no duplicates, up to the last line', async () => {
    const small = new WorkQueue({ name, connection: REDIS_URL, keepLogs: 5 });
    try {
      await startWorker();
      const handle = await small.enqueue(
        shWork('chatty', 'i=0; while [ $i -lt 40 ]; do echo n$i; i=$((i+1)); done'),
      );
      const seen: LogEntry[] = [];
      const result = await handle.result({ onLog: (e) => seen.push(e) });
      const seqs = seen.map((e) => e.seq ?? -1);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seen.at(-1)?.message).toBe(result.logs.at(-1)?.message);
      expect(await redis.llen(`bull:${name}:chatty:logs`)).toBe(5);
    } finally {
      await small.close();
    }
  });

  it('resolves success:false for a work that ran and failed, without retrying it', async () => {
    await startWorker();
    const counter = join(dir, 'runs');
    const handle = await queue.enqueue(
      shWork('fails', `echo run >> ${counter}; exit 3`),
      {},
      { attempts: 3, backoff: 10 },
    );
    const result = await handle.result();
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(3);
    expect(await handle.state()).toBe('completed');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(counter, 'utf8')).toBe('run\n');
  });

  it("retries a failed work with backoff when it asks for it (retryOn: 'failure')", async () => {
    await startWorker();
    const counter = join(dir, 'n');
    const script = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo attempt $n; [ $n -ge 2 ]`;
    const handle = await queue.enqueue(
      shWork('flaky', script),
      {},
      { attempts: 3, backoff: '50ms', retryOn: 'failure' },
    );
    const seen: string[] = [];
    const result = await handle.result({ onLog: (e) => e.source === 'stdout' && seen.push(e.message) });
    expect(result.success).toBe(true);
    expect(result.metrics.jobAttempt).toBe(2);
    expect(seen).toEqual(['attempt 1', 'attempt 2']);
  });

  it('rejects with the worker-side error, without retry, when the work cannot be attempted', async () => {
    await startWorker();
    const handle = await queue.enqueue(
      { id: 'odd', type: 'nosuch', executor_config: {} },
      {},
      { attempts: 3 },
    );
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('no executor for type "nosuch"');
    expect(await handle.state()).toBe('failed');
  });

  it('rejects a work the worker finds invalid with every problem and its path', async () => {
    await startWorker();
    const bad = { id: 'bad', type: 'process', executor_config: { command: [], colour: 'red' } } as Work;
    const error = await (await queue.enqueue(bad)).result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['executor_config.command', 'executor_config.colour']));
  });

  it('retries retryable errors with backoff and succeeds once the backend is back', async () => {
    class Flaky extends BasePlugin {
      calls = 0;
      constructor() {
        super(
          { name: 'flaky', version: '1.0.0', apiVersion: 1 },
          {
            name: 'flaky',
            description: 'unavailable twice',
            version: '1.0.0',
            capabilities: { cancel: false, streamLogs: false, dryRun: false },
          },
          { type: 'flaky', version: '1.0.0', config: { type: 'object' } },
        );
      }
      async execute(): Promise<WorkResult> {
        this.calls += 1;
        if (this.calls < 3) throw new UnavailableError('backend down', { scope: 'flaky' });
        return workResult({
          success: true,
          outputs: { calls: this.calls },
          metrics: { startedAt: '', finishedAt: '', durationMs: 0, attempts: 1 },
        });
      }
    }
    const registry = processRegistry();
    const flaky = new Flaky();
    registry.registerExecutor('flaky', flaky);
    await startWorker({ registry });
    const handle = await queue.enqueue(
      { id: 'f', type: 'flaky', executor_config: {} },
      {},
      { attempts: 3, backoff: { type: 'exponential', delay: 20 } },
    );
    const result = await handle.result();
    expect(result.outputs.calls).toBe(3);
    expect(result.metrics.jobAttempt).toBe(3);
  });

  it('gives up on a retryable error once the attempts are spent, with the error kind intact', async () => {
    class Down extends BasePlugin {
      constructor() {
        super(
          { name: 'down', version: '1.0.0', apiVersion: 1 },
          {
            name: 'down',
            description: 'always unavailable',
            version: '1.0.0',
            capabilities: { cancel: false, streamLogs: false, dryRun: false },
          },
          { type: 'down', version: '1.0.0', config: { type: 'object' } },
        );
      }
      async execute(): Promise<WorkResult> {
        throw new UnavailableError('backend down', { scope: 'down' });
      }
    }
    const registry = processRegistry();
    registry.registerExecutor('down', new Down());
    await startWorker({ registry });
    const handle = await queue.enqueue(
      { id: 'd', type: 'down', executor_config: {} },
      {},
      { attempts: 2, backoff: 10 },
    );
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).message).toBe('[ubom] [down] backend down');
    expect((error as UnavailableError).retryable).toBe(true);
  });

  it('refuses bad enqueue options and malformed works before anything reaches Redis, listing every problem', async () => {
    const error = await queue
      .enqueue(shWork('x', 'true'), {}, { priority: -1, attempts: 0, delay: 'soon', jobId: '12' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'options.priority',
      'options.delay',
      'options.attempts',
      'options.jobId',
    ]);
    const shape = await queue
      .enqueue({ id: '', type: 'process' } as unknown as Work)
      .catch((e: unknown) => e);
    expect((shape as ValidationError).issues.map((i) => i.path)).toEqual(['id', 'executor_config']);
    expect(await redis.exists(`bull:${name}:id`, `bull:${name}:wait`)).toBe(0);
  });

  it('validates with a registry on the producer side before queuing', async () => {
    const checked = new WorkQueue({ name, connection: REDIS_URL, registry: processRegistry() });
    try {
      const error = await checked
        .enqueue({ id: 'v', type: 'process', executor_config: { command: 'ls', shell: 3 } } as Work)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(await checked.handle('v').state()).toBe('unknown');
    } finally {
      await checked.close();
    }
  });

  it('delays and prioritizes works', async () => {
    const delayed = await queue.enqueue(shWork('later', 'echo later'), {}, { delay: '300ms' });
    const low = await queue.enqueue(shWork('low', 'echo low'), {}, { priority: 10 });
    const high = await queue.enqueue(shWork('high', 'echo high'), {}, { priority: 1 });
    expect(await delayed.state()).toBe('delayed');
    expect(await low.state()).toBe('prioritized');
    await startWorker();
    const [h, l] = await Promise.all([high.result(), low.result()]);
    expect(Date.parse(h.metrics.startedAt)).toBeLessThanOrEqual(Date.parse(l.metrics.startedAt));
    const d = await delayed.result();
    expect(d.outputs.stdout).toBe('later\n');
  });

  it('stops waiting (AbortError) on its signal or when the queue closes, leaving the work queued', async () => {
    const handle = await queue.enqueue(shWork('waits', 'true'));
    const controller = new AbortController();
    const waiting = handle.result({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    const other = new WorkQueue({ name, connection: REDIS_URL });
    const pending = other
      .handle('waits')
      .result()
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    expect(await pending).toBeInstanceOf(AbortError);
    expect(String(await pending)).toMatch(/the queue was closed/);
    expect(await handle.state()).toBe('waiting');
  });

  it('fails fast with UnavailableError when Redis cannot be reached', async () => {
    const nowhere = new WorkQueue({ name, connection: 'redis://127.0.0.1:1', connectTimeoutMs: 300 });
    try {
      const error = await nowhere.enqueue(shWork('x', 'true')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as UnavailableError).message).toMatch(/^\[ubom\] \[queue\] could not queue work "x": /);
      expect((error as UnavailableError).cause).toBeUndefined();
    } finally {
      await nowhere.close();
    }
  });

  it('rejects result() with NotFoundError for a job that does not exist', async () => {
    await expect(queue.handle('nope').result()).rejects.toBeInstanceOf(NotFoundError);
  });
});
