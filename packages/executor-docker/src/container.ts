import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseDuration, parseSize, type TraceCarrier, type Work } from '@ubom/core';
import type Docker from 'dockerode';
import { toArgv } from './argv';
import type { DockerConfig } from './config';
import { callSignal, describeEngineError, type Engine, hasStatus } from './engine';

/** Labels every container of the executor carries. */
export const LABELS = {
  managed: 'ubom.managed',
  workId: 'ubom.work-id',
  owner: 'ubom.owner',
  keep: 'ubom.keep',
} as const;

/** `<hostname>:<pid>` of this process: the owner the orphan sweep checks. */
export const ownerId = (): string => `${hostname()}:${process.pid}`;

export function managedLabels(work: Work, config: DockerConfig, owner = ownerId()): Record<string, string> {
  const labels: Record<string, string> = {
    ...config.labels,
    [LABELS.managed]: 'true',
    [LABELS.workId]: work.id,
    [LABELS.owner]: owner,
  };
  if (config.keep_container) labels[LABELS.keep] = 'true';
  return labels;
}

/** A readable, unique container name: `ubom-<work id>-<random>`. */
export function containerName(work: Work): string {
  const slug = work.id
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 40);
  return `ubom-${slug || 'work'}-${randomBytes(4).toString('hex')}`;
}

/** Docker's `--cpus` as NanoCpus. */
export const nanoCpus = (cpu: string | number): number => Math.round(Number(cpu) * 1e9);

/**
 * `TRACEPARENT` / `TRACESTATE` for the container (the work's own `environment` wins), as
 * OpenTelemetry's environment carrier and Windmill name them.
 */
function traceEnvironment(trace: TraceCarrier, config: DockerConfig): Record<string, string> {
  const env: Record<string, string> = {};
  const own = config.environment?.TRACEPARENT ?? config.secret_environment?.TRACEPARENT;
  if (!trace.traceparent || own !== undefined) return env;
  env.TRACEPARENT = trace.traceparent;
  if (trace.tracestate) env.TRACESTATE = trace.tracestate;
  return env;
}

/** The `POST /containers/create` body for a work. */
export function createOptions(
  work: Work,
  config: DockerConfig,
  name: string,
  trace: TraceCarrier = {},
): Docker.ContainerCreateOptions {
  const env = Object.entries({
    ...traceEnvironment(trace, config),
    ...config.environment,
    ...config.secret_environment,
  }).map(([k, v]) => `${k}=${v}`);
  const host: Docker.HostConfig = {
    Privileged: false,
    // attached live: the daemon's log copy is only kept for a container the user asked to keep
    LogConfig: config.keep_container ? { Type: 'json-file', Config: {} } : { Type: 'none', Config: {} },
  };
  const memory = config.resources?.memory_limit;
  if (memory !== undefined) {
    host.Memory = parseSize(memory);
    host.MemorySwap = host.Memory;
  }
  const cpu = config.resources?.cpu_limit;
  if (cpu !== undefined) host.NanoCpus = nanoCpus(cpu);
  if (config.network !== undefined) host.NetworkMode = config.network;
  if (config.volumes?.length) {
    host.Mounts = config.volumes.map((v) => ({
      Type: v.source.startsWith('/') ? ('bind' as const) : ('volume' as const),
      Source: v.source,
      Target: v.target,
      ReadOnly: v.read_only,
    }));
  }
  const options: Docker.ContainerCreateOptions = {
    name,
    Image: config.image,
    Env: env,
    Labels: managedLabels(work, config),
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    StopTimeout: Math.ceil((parseDuration(config.stop_grace_period) ?? 10_000) / 1000),
    HostConfig: host,
  };
  const cmd = toArgv(config.command);
  const entrypoint = toArgv(config.entrypoint);
  if (cmd) options.Cmd = cmd;
  if (entrypoint) options.Entrypoint = entrypoint;
  if (config.working_dir !== undefined) options.WorkingDir = config.working_dir;
  if (config.user !== undefined) options.User = config.user;
  return options;
}

/**
 * Stops a container: `docker stop` with the grace period (SIGTERM, then the engine's SIGKILL), then an
 * explicit kill if the stop call failed or did not return in time. Never throws.
 */
export async function stopContainer(
  engine: Engine,
  container: Docker.Container,
  graceMs: number,
): Promise<void> {
  const t = Math.ceil(graceMs / 1000);
  try {
    await container.stop({ t, abortSignal: AbortSignal.timeout(t * 1000 + engine.requestTimeoutMs) });
    return;
  } catch (error) {
    if (hasStatus(error, 304) || hasStatus(error, 404)) return;
  }
  try {
    await container.kill({ abortSignal: callSignal(engine) });
  } catch {
    // not running any more, or the engine is gone: remove (or the sweep) finishes the job
  }
}

/** Removes a container (and its anonymous volumes). Resolves false when the engine did not confirm. */
export async function removeContainer(engine: Engine, container: Docker.Container): Promise<boolean> {
  return (await tryRemove(engine, container)) === undefined;
}

/** Removes a container (and its anonymous volumes). Resolves why it failed, or undefined once it is gone. */
export async function tryRemove(engine: Engine, container: Docker.Container): Promise<string | undefined> {
  try {
    await container.remove({ force: true, v: true, abortSignal: callSignal(engine) });
    return undefined;
  } catch (error) {
    // gone already, or already being removed
    return hasStatus(error, 404) || hasStatus(error, 409) ? undefined : describeEngineError(error);
  }
}
