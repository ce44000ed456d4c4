import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { LineSplitter } from '@ubom/core';
import type Docker from 'dockerode';

/** The label every managed container carries (see container.ts), as an events filter. */
const MANAGED_FILTER = 'ubom.managed=true';

/**
 * Exit codes of managed containers, from one long-lived `GET /events` stream per engine.
 *
 * The engine emits `die` as soon as the process is gone, and answers `POST /wait` only after it has
 * torn the container down (network, mounts): 40–50 ms later on the default bridge network. A run
 * races both; the event usually wins, and `wait` still answers when the stream is down (never
 * connected, dropped by an engine restart). The stream reconnects on the next `ready()`.
 *
 * Its socket is unref'd: an idle executor never keeps the process alive. `close()` ends it.
 */
export class ExitEvents {
  readonly #docker: Docker;
  readonly #timeoutMs: number;
  readonly #watchers = new Map<string, (exitCode: number | undefined) => void>();
  #stream: Readable | undefined;
  #connecting: Promise<boolean> | undefined;
  #closed = false;

  constructor(docker: Docker, timeoutMs: number) {
    this.#docker = docker;
    this.#timeoutMs = timeoutMs;
  }

  /** True while the stream is open. */
  get connected(): boolean {
    return this.#stream !== undefined;
  }

  /** Connects if needed. Resolves whether the stream is live; never throws. */
  ready(): Promise<boolean> {
    if (this.#stream) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * Resolves with the exit code of container `id` once the engine reports it died. Call it (after
   * `ready()` resolved true) before starting the container; `dispose` forgets the watch.
   */
  watch(id: string): { exited: Promise<number | undefined>; dispose: () => void } {
    const exited = new Promise<number | undefined>((resolve) => this.#watchers.set(id, resolve));
    return { exited, dispose: () => this.#watchers.delete(id) };
  }

  /** Ends the stream; later `ready()` calls resolve false. */
  close(): void {
    this.#closed = true;
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#watchers.clear();
  }

  async #connect(): Promise<boolean> {
    // bounded until the engine answers, never afterwards: the stream is meant to stay open
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let stream: Readable;
    try {
      stream = (await this.#docker.getEvents({
        filters: { type: ['container'], event: ['die'], label: [MANAGED_FILTER] },
        abortSignal: controller.signal,
      } as Docker.GetEventsOptions)) as unknown as Readable;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
    if (this.#closed) {
      stream.destroy();
      return false;
    }
    (stream as Readable & { socket?: Socket }).socket?.unref();
    const lines = new LineSplitter((line) => this.#event(line), { maxLineLength: 1024 * 1024 });
    stream.on('data', (chunk: Buffer) => lines.write(chunk));
    const gone = () => {
      if (this.#stream === stream) this.#stream = undefined;
    };
    stream.on('end', gone);
    stream.on('close', gone);
    stream.on('error', gone);
    this.#stream = stream;
    return true;
  }

  #event(line: string): void {
    let event: { id?: unknown; Action?: unknown; Actor?: { Attributes?: { exitCode?: unknown } } };
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (event.Action !== 'die' || typeof event.id !== 'string') return;
    const watcher = this.#watchers.get(event.id);
    if (!watcher) return;
    this.#watchers.delete(event.id);
    const code = Number(event.Actor?.Attributes?.exitCode);
    watcher(Number.isInteger(code) ? code : undefined);
  }
}
