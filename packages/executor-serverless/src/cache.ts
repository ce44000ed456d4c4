import { createHash } from 'node:crypto';

/** A stable key for cache maps; hashed so credentials never sit in a readable string. */
export const cacheKey = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url');

/**
 * SDK clients by key (region + endpoint + credentials): built once, reused by every work, closed on
 * `clear()`. Bounded: past `max` the oldest client is closed.
 */
export class ClientCache<C> {
  readonly #clients = new Map<string, C>();
  readonly #close: (client: C) => unknown;
  readonly #max: number;

  constructor(close: (client: C) => unknown, max = 32) {
    this.#close = close;
    this.#max = max;
  }

  get size(): number {
    return this.#clients.size;
  }

  get(key: string, create: () => C): C {
    const found = this.#clients.get(key);
    if (found !== undefined) return found;
    const client = create();
    this.#clients.set(key, client);
    if (this.#clients.size > this.#max) {
      const [oldestKey, oldest] = this.#clients.entries().next().value as [string, C];
      this.#clients.delete(oldestKey);
      void Promise.resolve()
        .then(() => this.#close(oldest))
        .catch(() => undefined);
    }
    return client;
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

/** Values looked up remotely (function timeout, URL, key), kept `ttlMs`; concurrent loads share one call. */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; expires: number }>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs: number, max = 1000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
    // a failed look-up is not remembered
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
