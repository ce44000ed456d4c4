import { Masker } from '@ubom/core';

/**
 * The secrets of one work: the config's `writeOnly` values, plus what a provider obtains while it runs
 * (a function key fetched through ARM, an ID token) — a function that echoes its request headers
 * must not hand those back either.
 */
export class SecretBook {
  readonly #values = new Set<string>();
  #masker: Masker | undefined;
  #stale = false;

  constructor(initial: Iterable<string>) {
    for (const value of initial) this.add(value);
  }

  add(value: string | undefined): void {
    if (!value || this.#values.has(value)) return;
    this.#values.add(value);
    this.#stale = true;
  }

  /** A masker for everything known so far; `undefined` when there is nothing to hide. */
  masker(): Masker | undefined {
    if (this.#stale) {
      this.#masker = new Masker(this.#values);
      this.#stale = false;
    }
    return this.#masker;
  }

  mask<T>(value: T): T {
    const masker = this.masker();
    return masker ? masker.deep(value) : value;
  }
}
