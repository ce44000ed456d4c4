import { PID_MARK } from './remote-command';

/** Bytes looked through for the pid line before giving up on it (login scripts may print first). */
const SEARCH_LIMIT = 64 * 1024;
const MARK = Buffer.from(PID_MARK);

/**
 * Takes the remote shell's pid line out of a stream (stderr, or stdout with a pty) and passes the rest
 * through unchanged. Until the line is seen, output is held back (normally only the first chunk).
 */
export class PidMarkFilter {
  readonly #pass: (chunk: Buffer) => void;
  #held: Buffer | undefined = Buffer.alloc(0);
  #pid: number | undefined;
  #seen!: () => void;
  /** Resolves once the pid line has been seen, or the search is over (the pid then stays unknown). */
  readonly settled = new Promise<void>((resolve) => {
    this.#seen = resolve;
  });

  constructor(pass: (chunk: Buffer) => void) {
    this.#pass = pass;
  }

  /** The pid, once its line has been seen. */
  get pid(): number | undefined {
    return this.#pid;
  }

  write(chunk: Buffer): void {
    if (this.#held === undefined) {
      this.#pass(chunk);
      return;
    }
    const held = this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]);
    const at = held.indexOf(MARK);
    const end = at === -1 ? -1 : held.indexOf(0x0a, at);
    if (end !== -1) {
      const pid = Number.parseInt(held.subarray(at + MARK.length, end).toString('latin1'), 10);
      if (Number.isInteger(pid) && pid > 1) this.#pid = pid;
      this.#held = undefined;
      this.#seen();
      if (at > 0) this.#pass(held.subarray(0, at));
      if (end + 1 < held.length) this.#pass(held.subarray(end + 1));
      return;
    }
    if (held.length > SEARCH_LIMIT) this.end(held);
    else this.#held = held;
  }

  /** Passes on whatever is still held (the stream ended, or the mark never came). */
  end(held = this.#held): void {
    this.#held = undefined;
    this.#seen();
    if (held && held.length > 0) this.#pass(held);
  }
}
