import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliRun, cleanEnv, nodeWork, ubom, workDir } from './helpers';

const SETUP_REDIS = fileURLToPath(new URL('../../../scripts/setup-redis.sh', import.meta.url));
const REDIS = 'redis://127.0.0.1:6379';

describe('queue commands (from @ubom/queue-bullmq, loaded only for them)', () => {
  const files = workDir();
  const queue = `ubom-cli-test-${randomUUID()}`;
  const env = cleanEnv({ UBOM_REDIS_URL: REDIS, UBOM_QUEUE: queue });
  let worker: CliRun | undefined;

  beforeAll(() => {
    execFileSync('bash', [SETUP_REDIS], { stdio: 'ignore' });
  }, 180_000);

  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.done;
  });

  it('lists the queue commands in the help', async () => {
    const { code, stdout } = await ubom(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ubom worker, ubom enqueue, ubom queue/);
  });

  it('runs a work enqueued by `ubom enqueue --wait` on a `ubom worker`, with its live logs', async () => {
    worker = new CliRun(['worker', '--concurrency', '2'], { env });
    const file = files.write(
      'queued.json',
      nodeWork("console.log('hello from the queue')", {}, { id: 'queued-1' }),
    );
    const { code, stdout, stderr } = await ubom(['enqueue', file, '--wait'], { env });
    expect(stderr).toContain('hello from the queue');
    expect(stdout).toMatch(/success/i);
    expect(code).toBe(0);
    const status = await ubom(['queue', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      name: queue,
      workers: 1,
      counts: { completed: 1, failed: 0 },
    });
  }, 60_000);
});
