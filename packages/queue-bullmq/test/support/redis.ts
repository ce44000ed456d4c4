import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.UBOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PREFIX = 'bull';

/** A queue name no other test (or run) uses. */
export const uniqueQueue = (label: string): string => `t-${label}-${randomUUID().slice(0, 8)}`;

export const redisClient = (): Redis => new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });

/** Every key a queue left in Redis. */
export async function queueKeys(client: Redis, name: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${PREFIX}:${name}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Every value stored under the queue's keys, read with the command that fits each key's type. */
export async function dumpQueue(client: Redis, name: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await queueKeys(client, name)) {
    const type = await client.type(key);
    parts.push(`## ${key} (${type})`);
    if (type === 'string') parts.push((await client.get(key)) ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
    else if (type === 'list') parts.push(...(await client.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(...(await client.smembers(key)));
    else if (type === 'zset') parts.push(...(await client.zrange(key, 0, -1, 'WITHSCORES')));
    else if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
    else parts.push(`unexpected type ${type}`);
  }
  return parts.join('\n');
}

export async function dropQueue(client: Redis, name: string): Promise<void> {
  const keys = await queueKeys(client, name);
  if (keys.length > 0) await client.del(...keys);
}
