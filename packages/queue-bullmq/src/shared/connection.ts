import { formatDuration, UnavailableError, ValidationError } from '@ubom/core';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://` / `rediss://` URL, ioredis options, or a client you own. */
export type RedisConnection = string | RedisOptions | Redis;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_PREFIX = 'bull';

/** A client for one WorkQueue or WorkWorker; `owned` when we created it (then we also close it). */
export interface OpenedRedis {
  client: Redis;
  owned: boolean;
}

const isClient = (value: RedisConnection): value is Redis =>
  typeof value === 'object' && value !== null && typeof (value as Redis).duplicate === 'function';

/**
 * Opens the connection of a worker (`maxRetriesPerRequest: null`, as BullMQ requires: commands wait
 * for a reconnect) or of a producer. A client passed in is used as is and left open for its owner.
 */
export function openRedis(connection: RedisConnection | undefined, role: 'worker' | 'producer'): OpenedRedis {
  if (connection !== undefined && isClient(connection)) return { client: connection, owned: false };
  // A worker waits through Redis restarts; a producer's enqueue fails after a few retries instead.
  const base: RedisOptions = { maxRetriesPerRequest: role === 'worker' ? null : 3 };
  if (connection === undefined || typeof connection === 'string') {
    const url = connection ?? DEFAULT_REDIS_URL;
    if (!/^rediss?:\/\//.test(url)) {
      throw ValidationError.single(
        'connection',
        `must be a redis:// or rediss:// URL, got "${redact(url)}"`,
        {
          scope: 'queue',
        },
      );
    }
    return { client: new Redis(url, base), owned: true };
  }
  return { client: new Redis({ ...connection, ...base }), owned: true };
}

/** A URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Closes a client we own: QUIT when connected (a QUIT would wait for a reconnect otherwise). */
export async function closeRedis(opened: OpenedRedis): Promise<void> {
  if (!opened.owned) return;
  if (opened.client.status !== 'ready') {
    opened.client.disconnect();
    return;
  }
  try {
    await opened.client.quit();
  } catch {
    opened.client.disconnect();
  }
}

/**
 * Resolves once the client is connected, or throws `UnavailableError` after `ms`. The client keeps
 * reconnecting in the background, so a later call succeeds once Redis is back. Concurrent callers
 * share one wait (one listener, however many calls).
 */
export function whenConnected(client: Redis, ms: number, what: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  let pending = waits.get(client);
  if (!pending) {
    pending = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        resolve(false);
      }, ms);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      client.once('ready', onReady);
    }).finally(() => waits.delete(client));
    waits.set(client, pending);
  }
  return pending.then((ready) => {
    if (!ready) {
      throw new UnavailableError(`${what}: Redis is not reachable (waited ${formatDuration(ms)})`, {
        scope: 'queue',
      });
    }
  });
}

const waits = new WeakMap<Redis, Promise<boolean>>();

/** The pub/sub channel carrying cancel requests of one queue (a channel, not a stored key). */
export const cancelChannel = (prefix: string, queue: string): string => `${prefix}:${queue}:ubom:cancel`;
