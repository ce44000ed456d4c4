import { type LogEntry, Masker } from '@ubom/core';

/**
 * The secrets of one work: the config's `writeOnly` values, plus what a provider obtains while it runs
 * (a function key fetched through ARM, an ID token) — a function that echoes its request headers
 * must not hand those back either.
 */
export class SecretBook {
  readonly #values: string[] = [];
  #masker: Masker | undefined;
  #stale = false;

  constructor(initial: Iterable<string>) {
    for (const value of initial) this.add(value);
  }

  add(value: string | undefined): void {
    if (!value || this.#values.includes(value)) return;
    this.#values.push(value);
    this.#stale = true;
  }

  /** A masker for everything known so far; `undefined` when there is nothing to hide. */
  masker(): Masker | undefined {
    if (this.#stale) {
      this.#masker = Masker.of(this.#values);
      this.#stale = false;
    }
    return this.#masker;
  }

  mask<T>(value: T): T {
    const masker = this.masker();
    return masker ? masker.deep(value) : value;
  }

  /** A live log entry with secrets masked out of its message (entries carry no other text). */
  maskEntry(entry: LogEntry): LogEntry {
    const masker = this.masker();
    if (!masker) return entry;
    const message = masker.string(entry.message);
    return message === entry.message && !entry.fields ? entry : { ...masker.deep(entry), message };
  }
}
