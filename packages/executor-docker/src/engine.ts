import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { parseDuration, UnavailableError, ValidationError } from '@ubom/core';
import Docker from 'dockerode';
import { ExitEvents } from './exits';
import type { DockerPluginConfig } from './plugin-config';
import { Teardowns } from './teardown';

const SCOPE = 'docker';

/** A Docker Engine client and what the executor needs to know about it. */
export interface Engine {
  readonly docker: Docker;
  /** Where it points, for messages: `unix:///var/run/docker.sock`, `https://10.0.0.5:2376`. */
  readonly address: string;
  /** The engine's unix socket when local (refused as a bind mount source). */
  readonly socketPath: string | undefined;
  readonly requestTimeoutMs: number;
  /** Repository digest by image ID (immutable content, so cached), or when the image had none. */
  readonly digests: Map<string, string | { at: number }>;
  /** Exit codes of managed containers, as the engine reports them (before `wait` answers). */
  readonly exits: ExitEvents;
  /** Exited containers the engine is still tearing down; a start waits for them. */
  readonly teardowns: Teardowns;
}

const isPem = (value: string): boolean => value.trimStart().startsWith('-----BEGIN');

function readPem(value: string, path: string): Buffer {
  if (isPem(value)) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (error) {
    throw ValidationError.single(path, `cannot read PEM file "${value}"`, { scope: SCOPE, cause: error });
  }
}

interface Tls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function tlsMaterial(tls: NonNullable<DockerPluginConfig['tls']>): Tls {
  const out: Tls = {};
  const dir = tls.cert_path;
  const pick = (key: 'ca' | 'cert' | 'key') => {
    const given = tls[key];
    if (given !== undefined) out[key] = readPem(given, `config.tls.${key}`);
    else if (dir !== undefined) out[key] = readPem(join(dir, `${key}.pem`), 'config.tls.cert_path');
  };
  pick('ca');
  pick('cert');
  pick('key');
  return out;
}

/** Builds dockerode's options from the plugin config. With neither socket_path nor host: DOCKER_HOST & co. */
export function engineOptions(config: DockerPluginConfig): {
  options: Docker.DockerOptions;
  address: string;
} {
  const base: Record<string, unknown> = {};
  if (config.api_version)
    base.version = config.api_version.startsWith('v') ? config.api_version : `v${config.api_version}`;
  if (config.socket_path !== undefined) {
    // `host: undefined` wins over a DOCKER_HOST in the environment
    return {
      options: { ...base, socketPath: config.socket_path, host: undefined } as Docker.DockerOptions,
      address: `unix://${config.socket_path}`,
    };
  }
  if (config.host === undefined) {
    const env = process.env.DOCKER_HOST;
    return { options: base as Docker.DockerOptions, address: env ?? 'unix:///var/run/docker.sock' };
  }
  const hasScheme = config.host.includes('://');
  const url = new URL(hasScheme ? config.host : `tcp://${config.host}`);
  if (url.protocol === 'unix:') {
    return {
      options: { ...base, socketPath: url.pathname, host: undefined } as Docker.DockerOptions,
      address: config.host,
    };
  }
  const tls = config.tls !== undefined || url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = config.port ?? (url.port ? Number(url.port) : tls ? 2376 : 2375);
  const protocol = url.protocol === 'ssh:' ? 'ssh' : tls ? 'https' : 'http';
  const options: Record<string, unknown> = { ...base, host: hostname, port, protocol, socketPath: undefined };
  if (protocol === 'ssh' && url.username) options.username = decodeURIComponent(url.username);
  if (config.tls) {
    const material = tlsMaterial(config.tls);
    Object.assign(options, material);
    options.agent = new HttpsAgent({ ...material, rejectUnauthorized: config.tls.verify, keepAlive: false });
  }
  return { options: options as Docker.DockerOptions, address: `${protocol}://${hostname}:${port}` };
}

export function createEngine(config: DockerPluginConfig): Engine {
  const { options, address } = engineOptions(config);
  const socketPath = typeof options.socketPath === 'string' ? options.socketPath : undefined;
  const docker = new Docker(options);
  const requestTimeoutMs = parseDuration(config.request_timeout) ?? 30_000;
  return {
    docker,
    address,
    socketPath:
      socketPath ??
      (config.host === undefined && !process.env.DOCKER_HOST ? '/var/run/docker.sock' : undefined),
    requestTimeoutMs,
    digests: new Map(),
    exits: new ExitEvents(docker, requestTimeoutMs),
    teardowns: new Teardowns(),
  };
}

/** dockerode takes `abortSignal` on every call; its type definitions miss it on a few. */
type Signalled = { abortSignal: AbortSignal };

/** `GET /images/{name}/json`, bounded by `request_timeout` (and `signal`). */
export function inspectImage(
  engine: Engine,
  name: string,
  signal?: AbortSignal,
): Promise<Docker.ImageInspectInfo> {
  const image = engine.docker.getImage(name);
  const inspect = image.inspect as unknown as (options: Signalled) => Promise<Docker.ImageInspectInfo>;
  return inspect.call(image, { abortSignal: callSignal(engine, signal) });
}

/** A signal for one short engine call: aborts after `request_timeout`, or with `signal`. */
export function callSignal(engine: Engine, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(engine.requestTimeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** `GET /_ping`, bounded by `request_timeout`. Throws `UnavailableError` naming the engine. */
export async function pingEngine(engine: Engine, signal?: AbortSignal): Promise<void> {
  try {
    const ping = engine.docker.ping as unknown as (options: Signalled) => Promise<unknown>;
    await ping.call(engine.docker, { abortSignal: callSignal(engine, signal) });
  } catch (error) {
    throw engineUnavailable(engine, error);
  }
}

/** The error for an engine that did not answer (socket missing, refused, timed out, TLS refused). */
export function engineUnavailable(engine: Engine, error: unknown): UnavailableError {
  const reason = describeEngineError(error);
  return new UnavailableError(`the Docker Engine at ${engine.address} is unavailable: ${reason}`, {
    scope: SCOPE,
    cause: error,
  });
}

/** A short reason for a dockerode / socket error. */
export function describeEngineError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; json?: unknown; statusCode?: number };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  if (e.code === 'ENOENT') return 'no such socket';
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'EACCES') return 'permission denied on the socket';
  const json = e.json as { message?: unknown } | undefined;
  if (json && typeof json.message === 'string') return json.message;
  return e.message.replace(/^\(HTTP code \d+\) [^-]+- /, '').trim();
}

/** True for dockerode errors carrying this HTTP status. */
export const hasStatus = (error: unknown, status: number): boolean =>
  (error as { statusCode?: unknown } | undefined)?.statusCode === status;

/** True when `error` comes from a request aborted by its signal (ours or the timeout's). */
export const isAbortLike = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'AbortError' ||
    error.name === 'TimeoutError' ||
    (error as { code?: unknown }).code === 'ABORT_ERR');
