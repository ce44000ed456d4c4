import { LruCache, parseDuration } from '@ubom/core';
import { Agent } from 'undici';
import { TokenCache } from './oauth';
import type { HttpPluginConfig } from './plugin-config';
import type { TlsProfile } from './tls';

/** Open connections and requests, summed over every pool. */
export interface PoolStats {
  origins: number;
  connected: number;
  free: number;
  running: number;
  pending: number;
  /** Works whose exchange (requests, redirects, token fetch, body) has not finished. */
  inFlight: number;
}

/**
 * The plugin's state: undici agents (each pools connections per origin), one for works without TLS
 * settings and one per TLS profile, plus the OAuth2 token cache.
 */
export class HttpClients {
  readonly tokens = new TokenCache();
  readonly userAgent: string;
  readonly #options: Agent.Options;
  readonly #plain: Agent;
  readonly #profiles: LruCache<string, Agent>;
  readonly #closing = new Set<Promise<void>>();
  #inFlight = 0;

  constructor(config: HttpPluginConfig) {
    this.userAgent = config.user_agent;
    const keepAlive = parseDuration(config.keep_alive_timeout) ?? 4000;
    this.#options = {
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: Math.max(keepAlive, 600_000),
      ...(config.connections_per_origin === undefined ? {} : { connections: config.connections_per_origin }),
    };
    this.#plain = new Agent(this.#options);
    this.#profiles = new LruCache(config.max_tls_profiles, (agent) => this.#retire(agent));
  }

  /** The agent for a TLS profile (created on first use), or the plain one. */
  agent(tls: TlsProfile | undefined): Agent {
    if (!tls) return this.#plain;
    return this.#profiles.getOrCreate(tls.key, () => new Agent({ ...this.#options, connect: tls.connect }));
  }

  /** Counts a work's exchange from its first request to its last byte read; call what it returns when done. */
  started(): () => void {
    this.#inFlight++;
    return () => {
      this.#inFlight--;
    };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  stats(): PoolStats {
    const total: PoolStats = {
      origins: 0,
      connected: 0,
      free: 0,
      running: 0,
      pending: 0,
      inFlight: this.#inFlight,
    };
    for (const agent of [this.#plain, ...this.#profiles.values()]) {
      for (const s of Object.values(agent.stats)) {
        total.origins++;
        if ('free' in s) {
          total.connected += s.connected;
          total.free += s.free;
        } else if (s.connected) total.connected++;
        total.running += s.running;
        total.pending += s.pending;
      }
    }
    return total;
  }

  /** Closes every pooled connection (called once every work has settled). */
  async close(): Promise<void> {
    const agents = [this.#plain, ...this.#profiles.values()];
    this.#profiles.clear();
    this.tokens.clear();
    await Promise.allSettled([...agents.map((a) => a.destroy()), ...this.#closing]);
  }

  /** An agent dropped from the cache: closed once its requests finish. */
  #retire(agent: Agent): void {
    const closing = agent.close().catch(() => undefined);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }
}
