import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerQueueCommands, WorkQueue, WorkWorker } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork, waitFor } from './support/registry';

const CLI = fileURLToPath(new URL('./fixtures/cli.mjs', import.meta.url));

let name: string;
let redis: Redis;
let dir: string;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  name = uniqueQueue('cli');
  redis = redisClient();
  dir = mkdtempSync(join(tmpdir(), 'ubom-cli-'));
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await dropQueue(redis, name);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Runs the queue commands in this process, as the `ubom` CLI will once it registers them. */
async function run(args: string[], env: Record<string, string> = {}) {
  const stdout = new Sink();
  const stderr = new Sink();
  let code: number | undefined;
  const program = new Command('ubom').exitOverride();
  registerQueueCommands(program, {
    io: { stdout, stderr, env: { UBOM_REDIS_URL: REDIS_URL, UBOM_QUEUE: name, ...env } },
    setExitCode: (c) => {
      code = c;
    },
    handleSignals: false,
  });
  await program.parseAsync(args, { from: 'user' });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function startWorker(secretKey?: string): Promise<void> {
  const worker = new WorkWorker({
    name,
    connection: REDIS_URL,
    registry: processRegistry(),
    ...(secretKey ? { secretKey } : {}),
  });
  closers.push(() => worker.close({ graceMs: 0 }));
  await worker.start();
}

function workFile(work: object): string {
  const file = join(dir, 'work.json');
  writeFileSync(file, JSON.stringify(work));
  return file;
}

describe('ubom enqueue / queue status / queue cancel', () => {
  it('enqueue --wait follows the live logs on stderr and prints the result; exit 0, or 1 when the work failed', async () => {
    await startWorker('k');
    const ok = await run(
      ['enqueue', workFile({ ...shWork('cli-ok', 'echo hi from $TOKEN'), name: 'greet' }), '--wait'],
      {
        UBOM_QUEUE_SECRET_KEY: 'k',
      },
    );
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('queued as cli-ok');
    expect(ok.stderr).toContain('hi from\n');
    expect(ok.stdout).toMatch(/^SUCCESS greet \(process\) in /);
    const failed = await run(['enqueue', workFile(shWork('cli-bad', 'exit 7')), '--wait', '--json'], {
      UBOM_QUEUE_SECRET_KEY: 'k',
    });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ success: false, outputs: { exit_code: 7 } });
  });

  it('enqueue without --wait prints the job id; queue status counts it; queue cancel cancels it', async () => {
    const queued = await run([
      'enqueue',
      workFile(shWork('later', 'true')),
      '--run-id',
      'r9',
      '--priority',
      '3',
    ]);
    expect(queued).toEqual({ code: 0, stdout: 'later@r9\n', stderr: '' });
    const status = await run(['queue', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({
      name,
      workers: 0,
      counts: { prioritized: 1, active: 0 },
    });
    const human = await run(['queue', 'status']);
    expect(human.stdout).toContain(`queue ${name}: 0 workers connected`);
    expect((await run(['queue', 'cancel', 'later@r9'])).code).toBe(0);
    expect((await run(['queue', 'cancel', 'nope'])).code).toBe(1);
  });

  it('rejects bad flags and bad files with a validation error before anything is queued', async () => {
    await expect(run(['enqueue', join(dir, 'missing.json')])).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(run(['enqueue', workFile(shWork('x', 'true')), '--attempts', '0'])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const queue = new WorkQueue({ name, connection: REDIS_URL });
    closers.push(() => queue.close());
    expect(await queue.handle('x').state()).toBe('unknown');
  });
});

describe('ubom worker', () => {
  it('refuses a bad --keep-completed before it connects', async () => {
    await expect(run(['worker', '--keep-completed', 'a day'])).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: '--keep-completed', message: expect.stringContaining('"a day"') }],
    });
  });

  it('runs works until SIGTERM, then drains and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'worker', '--redis', REDIS_URL, '--queue', name, '--concurrency', '2', '--grace', '5s'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // discovery finds @ubom/executor-process next to this package
        cwd: fileURLToPath(new URL('..', import.meta.url)),
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    closers.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    await waitFor(() => stderr.includes('[ubom] [worker] ready'), 15_000, 'the worker to be ready');
    expect(stderr).toContain(`queue=${name}`);
    expect(stderr).toContain('concurrency=2');
    const queue = new WorkQueue({ name, connection: REDIS_URL });
    closers.push(() => queue.close());
    const handle = await queue.enqueue(shWork('via-cli', 'sleep 0.5; echo $PPID'));
    await waitFor(async () => (await handle.state()) === 'active', 10_000, 'the work to start');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const result = await handle.result();
    expect(result.outputs.stdout).toBe(`${child.pid}\n`);
    expect(stderr).toContain('[ubom] [worker] stopped');
  });
});
