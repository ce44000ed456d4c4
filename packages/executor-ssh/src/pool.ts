import { AbortError } from '@ubom/core';

/** What the pool keeps: anything that can be closed and says when it is. */
export interface Poolable {
  closed: Promise<void>;
  close(): void;
}

export interface PoolLimits {
  /** Connections per key at most. */
  perKey: number;
  /** Sessions (commands, SFTP) on one connection at once. */
  perConnection: number;
  /** An unused connection is closed after this long; 0 closes it when its last session ends. */
  idleMs: number;
}

interface Entry<C extends Poolable> {
  key: string;
  conn: C;
  sessions: number;
  usable: boolean;
  idle: NodeJS.Timeout | undefined;
}

/** One use of a pooled connection: release it when the work is done, discard it when it is broken. */
export interface Lease<C extends Poolable> {
  readonly conn: C;
  /** True when the connection was already open (no connect, no authentication). */
  readonly reused: boolean;
  release(): void;
  /** Takes the connection out of the pool (closed once its other sessions end). */
  discard(): void;
}

/**
 * Connections by key (host, user, credentials, host key policy, jump host): each serves up to
 * `perConnection` sessions, at most `perKey` are opened per key, and an idle one closes after `idleMs`.
 * Works beyond those limits wait (abortably) for a session to free up.
 */
export class ConnectionPool<C extends Poolable> {
  readonly #limits: PoolLimits;
  readonly #entries = new Map<string, Set<Entry<C>>>();
  readonly #opening = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  #closing = false;

  constructor(limits: PoolLimits) {
    this.#limits = limits;
  }

  /** Open connections (idle ones included). */
  get size(): number {
    let n = 0;
    for (const set of this.#entries.values()) n += set.size;
    return n;
  }

  /** A session on a connection of `key`: an open one with room, else a new one (`fresh`: always new). */
  async acquire(
    key: string,
    open: () => Promise<C>,
    signal: AbortSignal | undefined,
    fresh = false,
  ): Promise<Lease<C>> {
    for (;;) {
      if (this.#closing) throw new AbortError('the executor is shutting down', { scope: 'ssh' });
      signal?.throwIfAborted();
      const entries = this.#entries.get(key);
      let best: Entry<C> | undefined;
      for (const entry of fresh ? [] : (entries ?? []))
        if (
          entry.usable &&
          entry.sessions < this.#limits.perConnection &&
          (!best || entry.sessions < best.sessions)
        )
          best = entry;
      if (best) return this.#lease(best, true);
      const opening = this.#opening.get(key) ?? 0;
      if ((entries?.size ?? 0) + opening < this.#limits.perKey) return this.#open(key, open);
      await this.#wait(signal);
    }
  }

  /** Closes every connection and waits until each is closed. */
  async closeAll(): Promise<void> {
    this.#closing = true;
    const all = [...this.#entries.values()].flatMap((set) => [...set]);
    for (const entry of all) this.#retire(entry);
    this.#wake();
    await Promise.all(all.map((entry) => entry.conn.closed));
    this.#closing = false;
  }

  /** Opens a connection and leases it before any waiter can see it (no one takes its first session). */
  async #open(key: string, open: () => Promise<C>): Promise<Lease<C>> {
    this.#opening.set(key, (this.#opening.get(key) ?? 0) + 1);
    const done = () => {
      const left = (this.#opening.get(key) ?? 1) - 1;
      if (left === 0) this.#opening.delete(key);
      else this.#opening.set(key, left);
    };
    let conn: C;
    try {
      conn = await open();
    } catch (error) {
      done();
      this.#wake();
      throw error;
    }
    done();
    if (this.#closing) {
      conn.close();
      this.#wake();
      throw new AbortError('the executor is shutting down', { scope: 'ssh' });
    }
    const entry: Entry<C> = { key, conn, sessions: 0, usable: true, idle: undefined };
    const set = this.#entries.get(key) ?? new Set<Entry<C>>();
    this.#entries.set(key, set);
    set.add(entry);
    void conn.closed.then(() => this.#forget(entry));
    const lease = this.#lease(entry, false);
    this.#wake();
    return lease;
  }

  #lease(entry: Entry<C>, reused: boolean): Lease<C> {
    entry.sessions++;
    clearTimeout(entry.idle);
    entry.idle = undefined;
    let done = false;
    const end = (discard: boolean) => {
      if (done) return;
      done = true;
      entry.sessions--;
      if (discard) entry.usable = false;
      this.#settle(entry);
      this.#wake();
    };
    return { conn: entry.conn, reused, release: () => end(false), discard: () => end(true) };
  }

  /** After a session ends: close what is unusable or idle with no idle timeout, else start the idle clock. */
  #settle(entry: Entry<C>): void {
    if (entry.sessions > 0) return;
    if (!entry.usable || this.#limits.idleMs === 0) {
      this.#retire(entry);
      return;
    }
    entry.idle = setTimeout(() => this.#retire(entry), this.#limits.idleMs);
    entry.idle.unref();
  }

  #retire(entry: Entry<C>): void {
    entry.usable = false;
    clearTimeout(entry.idle);
    this.#forget(entry);
    entry.conn.close();
  }

  #forget(entry: Entry<C>): void {
    entry.usable = false;
    const set = this.#entries.get(entry.key);
    if (set?.delete(entry) && set.size === 0) this.#entries.delete(entry.key);
    this.#wake();
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
