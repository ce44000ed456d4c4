import {
  abortErrorFrom,
  NotFoundError,
  type TraceCarrier,
  UnavailableError,
  ValidationError,
  type Work,
} from '@ubom/core';
import type Docker from 'dockerode';
import type { DockerConfig } from './config';
import { containerName, createOptions, removeContainer } from './container';
import {
  callSignal,
  describeEngineError,
  type Engine,
  engineUnavailable,
  hasStatus,
  inspectImage,
  isAbortLike,
} from './engine';
import { imageMissing, imageReference, type PullContext, pullImage } from './image';

const SCOPE = 'docker';

export const since = (t0: number): number => Math.round((performance.now() - t0) * 1000) / 1000;

/** Milliseconds spent in each step of a run. */
export type Timings = { pullMs: number; createMs: number; runMs: number };

/**
 * Creates the container, pulling the image first as `pull_policy` says. With `never`, an image the
 * engine does not have is a `ValidationError` at `executor_config.image`, as the dry run reports it.
 */
export async function create(
  engine: Engine,
  work: Work,
  config: DockerConfig,
  ctx: PullContext,
  timings: Timings,
  trace: TraceCarrier = {},
): Promise<Docker.Container> {
  const { signal } = ctx;
  const pull = async () => {
    const t0 = performance.now();
    await pullImage(engine, config, ctx);
    for (const [id, known] of engine.digests) if (typeof known !== 'string') engine.digests.delete(id);
    timings.pullMs += since(t0);
  };
  if (config.pull_policy === 'always') await pull();
  const name = containerName(work);
  const options = createOptions(work, config, name, trace);
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw abortErrorFrom(signal, SCOPE);
    const t0 = performance.now();
    try {
      // not cut by the work's signal: a create cut mid-way may still happen on the engine, unseen
      const container = await engine.docker.createContainer({ ...options, abortSignal: callSignal(engine) });
      timings.createMs += since(t0);
      if (signal.aborted) {
        await removeContainer(engine, container);
        throw abortErrorFrom(signal, SCOPE);
      }
      return container;
    } catch (error) {
      if (signal.aborted) throw abortErrorFrom(signal, SCOPE);
      if (isAbortLike(error)) {
        // request_timeout elapsed: the engine may create it later; remove it by name if it got that far
        await removeContainer(engine, engine.docker.getContainer(name));
      }
      const message = describeEngineError(error);
      if (hasStatus(error, 404) && /no such image/i.test(message)) {
        if (config.pull_policy === 'never') throw imageMissing(config, error);
        if (config.pull_policy === 'if-not-present' && attempt === 0) {
          await pull();
          continue;
        }
        throw new NotFoundError(
          `image "${imageReference(config.image)}" is not on the engine after a pull (pull_policy "${config.pull_policy}")`,
          { scope: SCOPE, cause: error },
        );
      }
      if (hasStatus(error, 404)) throw new NotFoundError(message, { scope: SCOPE, cause: error });
      if (hasStatus(error, 400)) {
        const path = /mount|bind|volume/i.test(message) ? 'executor_config.volumes' : 'executor_config';
        throw ValidationError.single(path, `the engine refused the container: ${message}`, {
          scope: SCOPE,
          cause: error,
        });
      }
      throw engineUnavailable(engine, error);
    }
  }
}

/** How long "this image has no repository digest" is believed (it gains one when pulled from a registry). */
const NO_DIGEST_TTL_MS = 60_000;

/**
 * The image's repository digest (`repo@sha256:…`, what a registry serves), or its ID when it has none
 * (built or imported locally). Cached per engine: an image ID names immutable content; the absence of
 * a digest is cached briefly, and forgotten whenever this executor pulls.
 */
export async function repoDigest(engine: Engine, imageId: string): Promise<string> {
  const cached = engine.digests.get(imageId);
  if (typeof cached === 'string') return cached;
  if (cached !== undefined && performance.now() - cached.at < NO_DIGEST_TTL_MS) return imageId;
  const image = await inspectImage(engine, imageId).catch(() => undefined);
  const digest = image?.RepoDigests?.[0];
  if (digest) engine.digests.set(imageId, digest);
  else if (image) engine.digests.set(imageId, { at: performance.now() });
  return digest ?? imageId;
}

/** A container that could not start (missing executable, bad mount): nothing ran. */
export function startError(error: unknown): Error {
  const message = describeEngineError(error);
  const options = { scope: SCOPE, cause: error };
  if (/executable file not found|no such file or directory|not found/i.test(message))
    return new NotFoundError(`the container could not start: ${message}`, options);
  if (hasStatus(error, 400) || hasStatus(error, 500))
    return new UnavailableError(`the container could not start: ${message}`, {
      ...options,
      retryable: false,
    });
  return new UnavailableError(`the container could not start: ${message}`, options);
}
