import { parseDuration } from '@ubom/core';
import type { SshConfig, SshPluginConfig } from './config';
import { type Connection, connect } from './connect';
import { hopOf, routeOf } from './hops';
import { ConnectionPool, type Lease } from './pool';

/** The plugin's state: its settings and its connection pool. */
export interface SshState {
  settings: SshPluginConfig;
  pool: ConnectionPool<Connection>;
  keepaliveMs: number;
}

export function stateOf(settings: SshPluginConfig): SshState {
  return {
    settings,
    pool: new ConnectionPool<Connection>({
      perKey: settings.max_connections_per_host,
      perConnection: settings.max_sessions_per_connection,
      idleMs: parseDuration(settings.idle_timeout) ?? 30_000,
    }),
    keepaliveMs: parseDuration(settings.keepalive_interval) ?? 15_000,
  };
}

/** A pooled session for a work, and how long connecting took when the connection is new. */
export type SshLease = Lease<Connection> & { connectMs: number };

/** A session on a connection to the work's host: a pooled one, or a new one (host key checked, authenticated). */
export async function acquire(
  state: SshState,
  config: SshConfig,
  signal: AbortSignal | undefined,
  options: { fresh?: boolean } = {},
): Promise<SshLease> {
  const route = routeOf(config);
  let connectMs = 0;
  const open = async (): Promise<Connection> => {
    const t0 = performance.now();
    const [target, jump] = await Promise.all([
      hopOf(route.target, state.settings),
      route.jump && hopOf(route.jump, state.settings),
    ]);
    const connection = await connect(target, jump || undefined, {
      signal,
      connectTimeoutMs: parseDuration(config.connect_timeout) ?? 20_000,
      keepaliveMs: state.keepaliveMs,
    });
    connectMs = Math.round(performance.now() - t0);
    return connection;
  };
  const lease = await state.pool.acquire(route.key, open, signal, options.fresh);
  return Object.assign(lease, { connectMs });
}
