import { BasePlugin, DefaultPluginLoader, type WorkResult } from '@ubom/core';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WorkWorker } from '../src';
import { dropQueue, REDIS_URL, redisClient, uniqueQueue } from './support/redis';
import { processRegistry } from './support/registry';

let name: string;
let redis: Redis;

beforeEach(() => {
  name = uniqueQueue('ready');
  redis = redisClient();
});
afterEach(async () => {
  await dropQueue(redis, name);
  await redis.quit();
});

/** A plugin whose backend is down: its health check says so. */
class Unwell extends BasePlugin {
  constructor() {
    super(
      { name: 'unwell', version: '1.0.0', apiVersion: 1 },
      {
        name: 'unwell',
        description: 'its backend is down',
        version: '1.0.0',
        capabilities: { cancel: false, streamLogs: false, dryRun: false },
      },
      { type: 'unwell', version: '1.0.0', config: { type: 'object' } },
    );
  }
  override async healthCheck(): Promise<void> {
    throw new Error('the backend does not answer');
  }
  async execute(): Promise<WorkResult> {
    throw new Error('not run here');
  }
}

it("reports starting, ready, a plugin's failed health check, then closing", async () => {
  const loader = new DefaultPluginLoader();
  loader.registerPlugin('ubom-plugin-unwell', () => new Unwell());
  const worker = new WorkWorker({ name, connection: REDIS_URL, registry: processRegistry(), loader });
  expect((await worker.readiness()).checks.worker).toBe('starting');
  await worker.start();
  expect(await worker.readiness()).toEqual({
    ready: true,
    checks: { worker: 'ok', redis: 'ok', plugins: {} },
  });
  await loader.initializePlugin('ubom-plugin-unwell', {});
  const unwell = await worker.readiness();
  expect(unwell.ready).toBe(false);
  expect(unwell.checks.plugins['ubom-plugin-unwell']).toMatch(/the backend does not answer/);
  const closing = worker.close({ graceMs: 0 });
  expect((await worker.readiness()).checks.worker).toBe('closing');
  await closing;
});
