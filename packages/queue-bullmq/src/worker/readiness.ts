import type { Redis } from 'ioredis';

/** One plugin's health, as `DefaultPluginLoader.healthCheckAll()` reports it. */
export interface PluginStatus {
  name: string;
  healthy: boolean;
  error?: unknown;
}

/** What `WorkWorker.readiness()` found: each check is `ok` or says why not. */
export interface Readiness {
  ready: boolean;
  checks: {
    /** `ok` once started; `starting`, `closing` otherwise. */
    worker: string;
    /** `ok` when Redis answered a PING. */
    redis: string;
    /** Each initialized plugin (plugins load with the first work of their type), and those that failed to. */
    plugins: Record<string, string>;
  };
}

/** Bound of each check: a readiness probe must answer even when Redis or a plugin does not. */
export const READINESS_CHECK_MS = 2000;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${READINESS_CHECK_MS / 1000}s`)),
      READINESS_CHECK_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function redisCheck(client: Redis): Promise<string> {
  // the worker's client queues commands while disconnected (BullMQ needs that): do not wait on it
  if (client.status !== 'ready') return `not connected (${client.status})`;
  try {
    await bounded(client.ping(), 'Redis');
    return 'ok';
  } catch (error) {
    return messageOf(error);
  }
}

async function pluginChecks(
  health: (() => Promise<PluginStatus[]>) | undefined,
): Promise<Record<string, string>> {
  if (!health) return {};
  try {
    const statuses = await bounded(health(), 'the plugins health check');
    return Object.fromEntries(
      statuses.map((s) => [s.name, s.healthy ? 'ok' : messageOf(s.error ?? 'not healthy')]),
    );
  } catch (error) {
    return { '*': messageOf(error) };
  }
}

/** Runs the checks of a worker at once; ready when every one says `ok`. */
export async function checkReadiness(
  state: string,
  client: Redis,
  health: (() => Promise<PluginStatus[]>) | undefined,
): Promise<Readiness> {
  const [redis, plugins] = await Promise.all([redisCheck(client), pluginChecks(health)]);
  const checks = { worker: state, redis, plugins };
  const ready = state === 'ok' && redis === 'ok' && Object.values(plugins).every((v) => v === 'ok');
  return { ready, checks };
}
