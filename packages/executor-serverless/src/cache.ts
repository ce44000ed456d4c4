import { hash } from 'node:crypto';
import { LruCache } from '@ubom/core';

/** A stable key for cache maps; hashed so credentials never sit in a readable string. */
export const cacheKey = (...parts: unknown[]): string => hash('sha256', JSON.stringify(parts), 'base64url');

/**
 * SDK clients by key (region + endpoint + credentials): built once, reused by every work, closed on
 * `clear()`. Bounded (core's `LruCache`): past `max` the least recently used client is closed, after the
 * current turn.
 */
export class ClientCache<C> {
  readonly #clients: LruCache<string, C>;
  readonly #close: (client: C) => unknown;

  constructor(close: (client: C) => unknown, max = 32) {
    this.#close = close;
    this.#clients = new LruCache(max, (client) => {
      void Promise.resolve()
        .then(() => close(client))
        .catch(() => undefined);
    });
  }

  get(key: string, create: () => C): C {
    return this.#clients.getOrCreate(key, create);
  }

  /** Forgets a client without closing it (e.g. a failed credential). */
  delete(key: string): void {
    this.#clients.delete(key);
  }

  async clear(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(clients.map(async (client) => this.#close(client)));
  }
}

interface Lookup<V> {
  value: Promise<V>;
  expires: number;
  settled: boolean;
  /** Callers still waiting; when the last one gives up, the look-up itself is aborted. */
  waiting: number;
  controller: AbortController;
}

/**
 * Values looked up remotely (function timeout, URL, key), kept `ttlMs`. Concurrent callers share one
 * look-up; each can give up through its own signal, and the look-up is aborted only when every caller
 * waiting on it has. A failed look-up is not remembered.
 */
export class TtlCache<V> {
  readonly #entries: LruCache<string, Lookup<V>>;
  readonly #ttlMs: number;

  constructor(ttlMs: number, max = 1000) {
    this.#ttlMs = ttlMs;
    this.#entries = new LruCache(max);
  }

  get(key: string, load: (signal: AbortSignal) => Promise<V>, signal: AbortSignal): Promise<V> {
    const now = Date.now();
    let entry = this.#entries.get(key);
    if (!entry || entry.expires <= now) entry = this.#start(key, load, now);
    if (entry.settled) return entry.value;
    return this.#wait(entry, signal);
  }

  #start(key: string, load: (signal: AbortSignal) => Promise<V>, now: number): Lookup<V> {
    const controller = new AbortController();
    const entry: Lookup<V> = {
      value: load(controller.signal),
      expires: now + this.#ttlMs,
      settled: false,
      waiting: 0,
      controller,
    };
    entry.value.then(
      () => {
        entry.settled = true;
      },
      () => {
        entry.settled = true;
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    this.#entries.set(key, entry);
    return entry;
  }

  #wait(entry: Lookup<V>, signal: AbortSignal): Promise<V> {
    entry.waiting += 1;
    let counted = true;
    const leave = () => {
      if (!counted) return;
      counted = false;
      entry.waiting -= 1;
    };
    return new Promise<V>((resolve, reject) => {
      const abort = () => {
        leave();
        if (entry.waiting === 0 && !entry.settled) entry.controller.abort(signal.reason);
        reject(signal.reason);
      };
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      entry.value.then(
        (value) => {
          signal.removeEventListener('abort', abort);
          leave();
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', abort);
          leave();
          reject(error);
        },
      );
    });
  }

  /** Forgets `key` (a value found stale), without aborting a look-up in flight. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    for (const entry of this.#entries.values()) if (!entry.settled) entry.controller.abort();
    this.#entries.clear();
  }
}
