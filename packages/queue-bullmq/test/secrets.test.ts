import { EnhancedWorkRegistry, envSecrets, ValidationError } from '@ubom/core';
import { createPlugin } from '@ubom/executor-process';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkQueue, WorkWorker } from '../src';
import { dropQueue, dumpQueue, queueKeys, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry, shWork } from './support/registry';

const SECRET = 's3cr3t-Value-9f8e7d';
const KEY = 'correct horse battery staple';
const forms = [
  SECRET,
  Buffer.from(SECRET).toString('base64').replace(/=+$/, ''),
  Buffer.from(SECRET).toString('base64url'),
  encodeURIComponent(SECRET),
];

let name: string;
let redis: Redis;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  name = uniqueQueue('secrets');
  redis = redisClient();
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await dropQueue(redis, name);
  await redis.quit();
});

function open(options: { key?: string; registry?: boolean } = {}) {
  const secretKey = options.key === undefined ? {} : { secretKey: options.key };
  const queue = new WorkQueue({
    name,
    connection: REDIS_URL,
    ...secretKey,
    ...(options.registry ? { registry: processRegistry() } : {}),
  });
  closers.push(() => queue.close());
  return queue;
}

async function startWorker(key: string | undefined) {
  const worker = new WorkWorker({
    name,
    connection: REDIS_URL,
    registry: processRegistry(),
    ...(key ? { secretKey: key } : {}),
  });
  closers.push(() => worker.close({ graceMs: 0 }));
  await worker.start();
  return worker;
}

describe('secrets and Redis', () => {
  it('stores no secret value, in any encoding, in any key of the queue (data, logs, results, errors, events)', async () => {
    await startWorker(KEY);
    const queue = open({ key: KEY });
    const env = { secret_environment: { TOKEN: SECRET } };
    const printed = await queue.enqueue(
      shWork(
        'prints',
        'echo "token=$TOKEN"; echo "$TOKEN" >&2; printf "%s" "$TOKEN" | base64; printf \'{"t":"%s"}\\n\' "$TOKEN"',
        { ...env, output: 'json' },
      ),
    );
    const failed = await queue.enqueue(shWork('fails', 'echo "failing with $TOKEN"; exit 4', env));
    const missing = await queue.enqueue({
      id: 'missing',
      type: 'process',
      executor_config: { command: [`/no/such/dir/${SECRET}`], ...env },
    });
    const ok = await printed.result();
    expect(ok.success).toBe(true);
    expect(JSON.stringify(ok)).not.toContain(SECRET);
    expect(ok.outputs.result).toEqual({ t: '***' });
    expect((await failed.result()).success).toBe(false);
    const error = await missing.result().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain(SECRET);

    const keys = await queueKeys(redis, name);
    expect(keys.some((k) => k.endsWith(':events'))).toBe(true);
    expect(keys.some((k) => k.endsWith('prints:logs'))).toBe(true);
    const stored = await dumpQueue(redis, name);
    expect(stored).toContain('***'); // the masked copies are there…
    for (const form of forms) expect(stored).not.toContain(form); // …the secret is not
  });

  it('carries secret references, never values: no secretKey needed, each worker resolves with its own providers', async () => {
    const registry = new EnhancedWorkRegistry({
      secrets: [envSecrets({ env: { UBOM_SECRET_TOKEN: SECRET } })],
    });
    registry.registerExecutor('process', createPlugin());
    const worker = new WorkWorker({ name, connection: REDIS_URL, registry });
    closers.push(() => worker.close({ graceMs: 0 }));
    await worker.start();
    const queue = open({ registry: true }); // validates, holds no key and no secret
    const handle = await queue.enqueue(
      shWork('by-ref', 'echo "token=$TOKEN"', { secret_environment: { TOKEN: { $secret: 'TOKEN' } } }),
    );
    const result = await handle.result();
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe('token=***\n');
    const stored = await dumpQueue(redis, name);
    expect(stored).toContain('$secret');
    for (const form of forms) expect(stored).not.toContain(form);
  });

  it('refuses, without a secretKey, to queue a work whose schema marks secrets (nothing is stored)', async () => {
    const queue = open({ registry: true });
    const error = await queue
      .enqueue(shWork('clear', 'true', { secret_environment: { TOKEN: SECRET } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('executor_config');
    expect(await queue.handle('clear').state()).toBe('unknown');
    expect(await dumpQueue(redis, name)).not.toContain(SECRET);
  });

  it('fails a sealed work on a worker holding another key, without running it', async () => {
    await startWorker('another key entirely');
    const queue = open({ key: KEY });
    const handle = await queue.enqueue(
      shWork('sealed', 'echo ran', { secret_environment: { TOKEN: SECRET } }),
      {},
      { attempts: 3 },
    );
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('key this worker does not hold');
    expect(await handle.state()).toBe('failed');
    expect(await redis.llen(`bull:${name}:sealed:logs`)).toBe(0);
  });

  it('runs works sealed with an older key while a new one is rolled out (key rotation)', async () => {
    await startWorker(undefined).then((w) => w.close({ graceMs: 0 })); // nothing left on the queue
    const worker = new WorkWorker({
      name,
      connection: REDIS_URL,
      registry: processRegistry(),
      secretKey: ['new key', KEY],
    });
    closers.push(() => worker.close({ graceMs: 0 }));
    await worker.start();
    const old = open({ key: KEY });
    const result = await (
      await old.enqueue(shWork('rotated', 'echo "$TOKEN"', { secret_environment: { TOKEN: SECRET } }))
    ).result();
    expect(result.outputs.stdout).toBe('***\n');
  });
});
