import type { Readable } from 'node:stream';
import { abortErrorFrom, type BackendSpan, parseDuration, type RunContext } from '@ubom/core';
import type { DockerConfig } from './config';
import { removeContainer, stopContainer } from './container';
import { create, repoDigest, since, startError, type Timings } from './create';
import { callSignal, describeEngineError, type Engine, engineUnavailable } from './engine';
import { ContainerOutput } from './logs';
import { type OutputsFile, readOutputsFile } from './outputs';
import type { DockerState } from './state';

const SCOPE = 'docker';
/** After the container exits, how long its output stream may take to drain. */
const DRAIN_MS = 5000;

/** What happened to a work's container. */
export interface ContainerOutcome {
  /** True when the executor stopped the container (the work's signal aborted) rather than it exiting. */
  stopped: boolean;
  exitCode: number | undefined;
  oomKilled: boolean;
  /**
   * `engine`: the engine saw the OOM kill. `inferred`: SIGKILLed (137) under a memory_limit by no one
   * we know of; the engine misses some OOM kills (containerd reports the exit before the OOM event).
   */
  oomSource: 'engine' | 'inferred' | undefined;
  containerId: string;
  imageId: string | undefined;
  imageDigest: string | undefined;
  output: ContainerOutput;
  outputsFile: OutputsFile | undefined;
  /** Removed, or being removed in the background (a container that exited by itself). */
  removed: boolean;
  timings: Timings;
}

/** Resolves when the stream ends, or after `ms` (then destroys it). */
function drained(stream: Readable, ms: number): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      stream.destroy();
      resolve();
    }, ms);
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

/** Resolves once `signal` aborts; `dispose` forgets the listener. */
function aborted(signal: AbortSignal): { promise: Promise<'abort'>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<'abort'>((resolve) => {
    const onAbort = () => resolve('abort');
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  return { promise, dispose };
}

/** Why the work's signal aborted, for the log line of the stop ("timed out after 1s", "the executor is shutting down"). */
const reasonOf = (signal: AbortSignal): string =>
  signal.reason instanceof Error
    ? signal.reason.message.replace(/^\[ubom\] (\[[^\]]*\] )?/, '')
    : 'cancelled';

/**
 * One work, start to finish: (pull,) create, attach, start, wait; on cancel or timeout stop (grace),
 * kill; inspect for the exit code and OOM; read `outputs_file`; then remove the container — whatever
 * happened — unless `keep_container`. A container that exited by itself is removed in the background
 * once everything the result needs is read; a stopped one (timeout, cancel) or a failed run is removed
 * before this settles.
 */
export async function runContainer(
  ctx: RunContext<DockerConfig, DockerState>,
  span: BackendSpan,
): Promise<ContainerOutcome> {
  const { state, config, signal } = ctx;
  const { engine } = state;
  const timings: Timings = { pullMs: 0, createMs: 0, runMs: 0 };
  // the engine's event stream (connected once per engine) tells the exit before `wait` does
  const exitsLive = engine.exits.ready();
  const container = await create(engine, ctx.work, config, ctx, timings, ctx.traceCarrier());
  span.setAttributes({ 'container.id': container.id });
  const forget = state.track(container);
  const output = new ContainerOutput(ctx.lines);
  const graceMs = parseDuration(config.stop_grace_period) ?? 10_000;
  let stopped = false;
  let removed = false;
  let cleaned = false;
  let handedOff = false;
  const stop = aborted(signal);
  const waitController = new AbortController();
  let stream: Readable | undefined;
  let exit: ReturnType<Engine['exits']['watch']> | undefined;
  let tearingDown = false;
  try {
    // which image it runs, asked before it starts: once it exits, the engine answers only after teardown
    const image = container
      .inspect({ abortSignal: callSignal(engine) })
      .then((info) => ({ id: info.Image, digest: repoDigest(engine, info.Image) }))
      .catch(() => undefined);
    // bounded until the engine answers, never afterwards: the stream lives as long as the container
    const attachController = new AbortController();
    const attachTimer = setTimeout(() => attachController.abort(), engine.requestTimeoutMs);
    stream = (await container
      .attach({ stream: true, stdout: true, stderr: true, abortSignal: attachController.signal })
      .catch((error: unknown) => {
        if (signal.aborted) throw abortErrorFrom(signal, SCOPE);
        throw engineUnavailable(engine, error);
      })
      .finally(() => clearTimeout(attachTimer))) as unknown as Readable;
    stream.on('data', (chunk: Buffer) => output.writeMultiplexed(chunk));
    stream.on('error', () => {});
    if (await exitsLive) exit = engine.exits.watch(container.id);
    await engine.teardowns.settled();
    const t0 = performance.now();
    try {
      // not cut by the work's signal either: once started, a cancel is a graceful stop (below)
      await container.start({ abortSignal: callSignal(engine) });
    } catch (error) {
      throw startError(error);
    }
    // `wait` answers even when the event stream is down, after the engine's teardown
    const waited = container.wait({ abortSignal: waitController.signal }).then(
      (r: { StatusCode?: number }) => ({ exited: r.StatusCode }),
      (error: unknown) => ({ failed: error }),
    );
    const died = exit?.exited.then((code) => ({ exited: code, died: true }));
    const first = await Promise.race(died ? [died, waited, stop.promise] : [waited, stop.promise]);
    if (typeof first === 'object' && 'died' in first) {
      // `wait` answers once the engine has torn the container down: the next start waits for that
      engine.teardowns.add(waited, () => waitController.abort());
      tearingDown = true;
    }
    if (first === 'abort') {
      stopped = true;
      ctx.log('warn', `stopping the container: ${reasonOf(signal)}`);
      await stopContainer(engine, container, graceMs);
    } else if ('failed' in first) {
      throw engineUnavailable(engine, first.failed);
    }
    timings.runMs = since(t0);
    const waitedCode = typeof first === 'object' && 'exited' in first ? first.exited : undefined;
    // the engine is asked how it ended (while the output drains) only when the exit code is not known
    // yet, or is a SIGKILL (137) that may be an OOM kill: `true` needs no extra call
    const askEngine = waitedCode === undefined || waitedCode === 137;
    const [info] = await Promise.all([
      askEngine ? container.inspect({ abortSignal: callSignal(engine) }).catch(() => undefined) : undefined,
      drained(stream, DRAIN_MS).then(() => output.end()),
    ]);
    const exitCode = info?.State?.ExitCode ?? waitedCode;
    const oomSource =
      info?.State?.OOMKilled === true
        ? ('engine' as const)
        : exitCode === 137 && !stopped && config.resources?.memory_limit !== undefined
          ? ('inferred' as const)
          : undefined;
    let outputsFile: OutputsFile | undefined;
    if (config.outputs_file !== undefined && !stopped) {
      outputsFile = await readOutputsFile(container, config.outputs_file, callSignal(engine)).catch(
        (error: unknown) => ({ error: `could not read outputs_file: ${describeEngineError(error)}` }),
      );
    }
    // asked before it started: answered by now, and before any removal (a late answer would be a 404)
    const ran = await image;
    const imageDigest = await ran?.digest;
    if (config.keep_container) cleaned = true;
    else if (!stopped) {
      // nothing more to read from it: removal is off the critical path (still tracked, see cleanup.ts)
      state.removeLater(container, forget);
      handedOff = removed = cleaned = true;
    } else cleaned = removed = await removeContainer(engine, container);
    return {
      stopped,
      exitCode,
      oomKilled: oomSource !== undefined,
      oomSource,
      containerId: container.id,
      imageId: ran?.id ?? info?.Image,
      imageDigest: imageDigest ?? info?.Image,
      output,
      outputsFile,
      removed,
      timings,
    };
  } finally {
    stop.dispose();
    exit?.dispose();
    if (!tearingDown) waitController.abort();
    if (!cleaned) {
      // failure or abort on the way: never leave a running container behind
      if (config.keep_container) await stopContainer(engine, container, graceMs);
      else removed = await removeContainer(engine, container);
    }
    stream?.destroy();
    if (!handedOff) forget();
  }
}
