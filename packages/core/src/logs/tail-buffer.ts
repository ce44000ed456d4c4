/** Keeps the last `limit` bytes written to it (e.g. the stdout tail a result reports). */
export class TailBuffer {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #total = 0;

  constructor(limit = 64 * 1024) {
    this.#limit = Math.max(0, limit);
  }

  /** Bytes written in all, including the ones no longer kept. */
  get totalBytes(): number {
    return this.#total;
  }

  get truncated(): boolean {
    return this.#total > this.#size;
  }

  write(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#total += buf.length;
    if (buf.length >= this.#limit) {
      this.#chunks = [Buffer.from(buf.subarray(buf.length - this.#limit))];
      this.#size = this.#limit;
      return;
    }
    this.#chunks.push(buf);
    this.#size += buf.length;
    while (this.#size > this.#limit) {
      const first = this.#chunks[0] as Buffer;
      const excess = this.#size - this.#limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
    }
  }

  toString(): string {
    // a cut may land inside a UTF-8 sequence: drop the partial character rather than show U+FFFD
    const text = Buffer.concat(this.#chunks).toString('utf8');
    return this.truncated ? text.replace(/^\uFFFD+/, '') : text;
  }
}
