import { type LineSink, TailBuffer } from '@ubom/core';

export type OutputSource = 'stdout' | 'stderr';

/** Bytes of stdout and of stderr kept for `outputs.stdout` / `outputs.stderr`. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

const HEADER = 8;

/**
 * Splits Docker's multiplexed attach stream (`Tty: false`): frames of an 8-byte header
 * (`[type, 0, 0, 0, size32be]`, type 1 = stdout, 2 = stderr) and `size` bytes of payload.
 * Streaming and copy-free: payloads are handed over as slices of the incoming chunks, and a frame may
 * span any number of chunks. (dockerode's `demuxStream` concatenates buffers on every chunk.)
 */
export class Demuxer {
  readonly #emit: (source: OutputSource, payload: Buffer) => void;
  readonly #header = Buffer.alloc(HEADER);
  #headerFill = 0;
  #remaining = 0;
  #source: OutputSource | undefined;

  constructor(emit: (source: OutputSource, payload: Buffer) => void) {
    this.#emit = emit;
  }

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(HEADER - this.#headerFill, chunk.length - at);
        chunk.copy(this.#header, this.#headerFill, at, at + take);
        this.#headerFill += take;
        at += take;
        if (this.#headerFill < HEADER) return;
        this.#headerFill = 0;
        const type = this.#header[0];
        // stdin (0) is never sent back; anything but 2 is shown as stdout rather than lost
        this.#source = type === 2 ? 'stderr' : 'stdout';
        this.#remaining = this.#header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      this.#remaining -= take;
      this.#emit(this.#source ?? 'stdout', chunk.subarray(at, at + take));
      at += take;
    }
  }
}

/**
 * What the container prints: one log entry per line (through the kernel's line sinks: masked, in arrival
 * order, streamed live) and a bounded tail of each stream for the result. Memory stays flat whatever is
 * printed.
 */
export class ContainerOutput {
  readonly stdout = new TailBuffer(OUTPUT_TAIL_BYTES);
  readonly stderr = new TailBuffer(OUTPUT_TAIL_BYTES);
  readonly #lines: Record<OutputSource, LineSink>;
  readonly #demuxer = new Demuxer((source, payload) => this.write(source, payload));

  constructor(lines: (source: OutputSource) => LineSink) {
    this.#lines = { stdout: lines('stdout'), stderr: lines('stderr') };
  }

  /** Feeds a chunk of the multiplexed attach stream. */
  writeMultiplexed(chunk: Buffer): void {
    this.#demuxer.write(chunk);
  }

  write(source: OutputSource, payload: Buffer): void {
    // copied: a slice would keep the whole socket chunk alive inside the tail
    this[source].write(Buffer.from(payload));
    this.#lines[source].write(payload);
  }

  /** Flushes the last line of each stream when it had no newline. */
  end(): void {
    this.#lines.stdout.end();
    this.#lines.stderr.end();
  }
}
