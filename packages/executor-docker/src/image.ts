import {
  abortErrorFrom,
  LineSplitter,
  type LogLevel,
  NotFoundError,
  type UbomError,
  UnavailableError,
  ValidationError,
} from '@ubom/core';
import type { DockerConfig } from './config';
import {
  describeEngineError,
  type Engine,
  engineUnavailable,
  hasStatus,
  inspectImage,
  isAbortLike,
} from './engine';

const SCOPE = 'docker';

/** `busybox` → `busybox:latest`; references with a tag, a digest, or image IDs are kept. */
export function imageReference(image: string): string {
  if (image.startsWith('sha256:') || image.includes('@')) return image;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? image : `${image}:latest`;
}

/** The registry host named by a reference (`ghcr.io`, `localhost:5000`), or Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  const isHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'https://index.docker.io/v1/';
}

/** Docker's `X-Registry-Auth` payload. */
export function authConfig(config: DockerConfig): Record<string, string> | undefined {
  const auth = config.auth;
  if (!auth) return undefined;
  const out: Record<string, string> = { serveraddress: auth.server_address ?? registryOf(config.image) };
  if (auth.username !== undefined) out.username = auth.username;
  if (auth.password !== undefined) out.password = auth.password;
  if (auth.token !== undefined) out.identitytoken = auth.token;
  return out;
}

/**
 * The values derived from `auth` that could be printed: the `X-Registry-Auth` header (padded base64url of
 * the JSON payload, as docker-modem encodes it) and the `Basic` credentials the engine sends to the registry.
 */
export function derivedSecrets(config: DockerConfig): { header: string | undefined; secrets: string[] } {
  const payload = authConfig(config);
  if (!payload) return { header: undefined, secrets: [] };
  const base64 = Buffer.from(JSON.stringify(payload)).toString('base64');
  // URL-safe alphabet with its padding kept: the engine decodes it with Go's base64.URLEncoding
  const header = base64.replace(/\+/g, '-').replace(/\//g, '_');
  const secrets = [header, base64];
  const { username, password } = config.auth ?? {};
  if (username !== undefined && password !== undefined) {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    secrets.push(`Basic ${basic}`, basic);
  }
  return { header, secrets };
}

/** `pull_policy: never` and the engine does not have the image: the config cannot run here. */
export function imageMissing(config: DockerConfig, cause?: unknown): ValidationError {
  return ValidationError.single(
    'executor_config.image',
    `image "${imageReference(config.image)}" is not on the engine and pull_policy is "never"`,
    { scope: SCOPE, ...(cause === undefined ? {} : { cause }) },
  );
}

/** True when the engine has the image. */
export async function imageExists(engine: Engine, image: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await inspectImage(engine, image, signal);
    return true;
  } catch (error) {
    if (hasStatus(error, 404)) return false;
    if (signal?.aborted) throw abortErrorFrom(signal, SCOPE);
    throw engineUnavailable(engine, error);
  }
}

const NOT_FOUND = /not found|manifest unknown|does not exist|name unknown/i;
const DENIED = /unauthorized|authentication required|access denied|denied/i;

/** A failed pull: NOT_FOUND when the registry says the image does not exist, else UNAVAILABLE. */
function pullError(image: string, reason: string, cause?: unknown): UbomError {
  const message = `could not pull image "${image}": ${reason}`;
  const options = cause === undefined ? { scope: SCOPE } : { scope: SCOPE, cause };
  if (DENIED.test(reason)) return new UnavailableError(message, { ...options, retryable: false });
  if (NOT_FOUND.test(reason) && !/dial tcp|connection refused|timeout/i.test(reason))
    return new NotFoundError(message, options);
  return new UnavailableError(message, options);
}

/** What a pull needs of its run: its log, and where to register the secrets it derives. */
export interface PullContext {
  log(level: LogLevel, message: string): void;
  secret(value: string): void;
  signal: AbortSignal;
}

/**
 * Pulls `config.image` (with `auth` when given), following the progress stream to its end.
 * The stream's own `error` lines fail the pull; aborting `signal` stops following it.
 */
export async function pullImage(engine: Engine, config: DockerConfig, ctx: PullContext): Promise<void> {
  const { signal } = ctx;
  const reference = imageReference(config.image);
  // before anything can print them: a registry or an engine error may echo what it was sent
  const { header, secrets } = derivedSecrets(config);
  for (const secret of secrets) ctx.secret(secret);
  ctx.log('info', `pulling image ${reference}`);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.docker.createImage({
      fromImage: reference,
      abortSignal: signal,
      ...(header ? { authconfig: { key: header } } : {}),
    });
  } catch (error) {
    if (signal.aborted) throw abortErrorFrom(signal, SCOPE);
    if (hasStatus(error, 404) || hasStatus(error, 500) || hasStatus(error, 401) || hasStatus(error, 403))
      throw pullError(reference, describeEngineError(error), error);
    throw engineUnavailable(engine, error);
  }
  let failed: string | undefined;
  const failure = await new Promise<string | undefined>((resolve, reject) => {
    const lines = new LineSplitter((line) => {
      if (failed !== undefined || line.trim() === '') return;
      try {
        const event = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
        if (event.error !== undefined) failed = String(event.errorDetail?.message ?? event.error);
      } catch {
        // progress lines are JSON; anything else is ignored
      }
    });
    stream.on('data', (chunk: Buffer) => lines.write(chunk));
    stream.on('end', () => {
      lines.end();
      resolve(failed);
    });
    stream.on('error', (error: unknown) =>
      isAbortLike(error) || signal.aborted ? resolve('aborted') : reject(error),
    );
    const onAbort = () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      resolve('aborted');
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    stream.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(failed ?? 'the engine closed the pull stream early');
    });
  }).catch((error: unknown) => {
    throw engineUnavailable(engine, error);
  });
  if (signal.aborted) throw abortErrorFrom(signal, SCOPE);
  if (failure !== undefined) throw pullError(reference, failure);
  ctx.log('info', `pulled image ${reference}`);
}
