import { type LogEntry, Masker, MIN_MASKED_LENGTH } from '@ubom/core';

const MASKERS_KEPT = 64;
/** Maskers by secret set: building one compiles a regular expression (~50 µs), reused across works. */
const maskers = new Map<string, Masker>();

function maskerFor(values: readonly string[]): Masker {
  const key = values.join('\u0000');
  let masker = maskers.get(key);
  if (masker) {
    maskers.delete(key); // most recently used last
  } else {
    masker = new Masker(values);
    if (maskers.size >= MASKERS_KEPT) {
      const oldest = maskers.keys().next().value;
      if (oldest !== undefined) maskers.delete(oldest);
    }
  }
  maskers.set(key, masker);
  return masker;
}

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
      this.#masker = maskerFor(this.#values);
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

  /**
   * Like `mask`, but hands back `value` itself (no deep copy) when no secret occurs in its JSON: the
   * common case, and cheaper than copying. Short secrets are only masked as whole strings, which a JSON
   * text cannot show, so with one of those it always copies.
   */
  maskResult<T>(value: T): T {
    const masker = this.masker();
    if (!masker) return value;
    if (this.#values.some((v) => v.length < MIN_MASKED_LENGTH)) return masker.deep(value);
    const text = JSON.stringify(value);
    return masker.string(text) === text ? value : masker.deep(value);
  }
}
