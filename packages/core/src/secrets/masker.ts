import { LruCache } from '../util/lru';
export const MASK = '***';

/** Secrets shorter than this are masked only where a whole string equals them, never inside text. */
export const MIN_MASKED_LENGTH = 4;

/** `%xx` escapes in lowercase (`%2f`), as some clients write them. */
const lowerEscapes = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());

/**
 * The forms a secret takes once encoded: as is, base64 (std, unpadded and URL-safe), hex (both cases),
 * URL-encoded (`encodeURIComponent`, lowercase escapes, `encodeURI`, form-encoded with `+` for a
 * space) and JSON-escaped.
 */
/** `encode(text)`, or `text` itself where it cannot be encoded (a lone surrogate is a URIError). */
function attempt(encode: (text: string) => string, text: string): string {
  try {
    return encode(text);
  } catch {
    return text;
  }
}

function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const b64 = bytes.toString('base64');
  const hex = bytes.toString('hex');
  const component = attempt(encodeURIComponent, secret);
  const forms = [
    secret,
    b64,
    b64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    hex,
    hex.toUpperCase(),
    component,
    lowerEscapes(component),
    attempt(encodeURI, secret),
    new URLSearchParams([['', secret]]).toString().slice(1),
    JSON.stringify(secret).slice(1, -1),
  ];
  return [...new Set(forms)].filter((f) => f.length >= MIN_MASKED_LENGTH);
}

const PENDING = Symbol('pending');

interface DeepState {
  seen: WeakMap<object, unknown>;
  /** Set when a cycle led back to an object still being masked. */
  cyclic: boolean;
  /** Copy every object, changed or not (errors' fields, and the second pass over cyclic values). */
  copyAll: boolean;
}

/** Maskers kept by `Masker.of` (least recently used dropped first). */
const kept = new LruCache<string, Masker>(256);

/** Replaces secret values (and their encoded forms) in strings, objects and errors. */
export class Masker {
  /**
   * A masker for `secrets`, shared by every caller that asks for the same list: building one encodes
   * every secret in every form, and works that repeat their config repeat their secrets.
   */
  static of(secrets: readonly string[]): Masker {
    // `new this`: naming the class inside itself makes the bundler rename it (`_Masker`)
    return kept.getOrCreate(secrets.join('\u0000'), () => new this(secrets));
  }

  /** Every encoded form of the longer secrets, longest first (at one place the longest is masked). */
  readonly #forms: readonly string[];
  readonly #shortest: number;
  readonly #whole: Set<string>;

  constructor(secrets: Iterable<string>) {
    const long = new Set<string>();
    this.#whole = new Set();
    for (const secret of secrets) {
      if (secret.length === 0) continue;
      if (secret.length < MIN_MASKED_LENGTH) this.#whole.add(secret);
      else for (const form of encodedForms(secret)) long.add(form);
    }
    this.#forms = [...long].sort((a, b) => b.length - a.length);
    this.#shortest = this.#forms.at(-1)?.length ?? 0;
  }

  get empty(): boolean {
    return this.#forms.length === 0 && this.#whole.size === 0;
  }

  string(text: string): string {
    if (this.#whole.has(text)) return MASK;
    // A mask next to what is left can form a secret again ("****" in "*****"): repeat until none is.
    // Each pass that changes something shortens the text (every form is longer than the mask).
    let before = text;
    let after = this.#replace(text);
    while (after !== before) {
      before = after;
      after = this.#replace(before);
    }
    return after;
  }

  #contains(text: string): boolean {
    if (text.length < this.#shortest) return false;
    for (const form of this.#forms) if (text.includes(form)) return true;
    return false;
  }

  /**
   * One pass of leftmost-longest replacement with plain substring search. Not a regular expression of
   * alternatives: V8 refuses one past a few tens of KB of source ("Regular expression too large"), and
   * secrets can be that long (a kubeconfig, a bundle of keys); the search is as fast for a few secrets.
   */
  #replace(text: string): string {
    const forms = this.#forms;
    if (!this.#contains(text)) return text;
    const next = forms.map((form) => text.indexOf(form));
    let out = '';
    let pos = 0;
    for (;;) {
      let best = -1;
      let at = -1;
      for (let k = 0; k < forms.length; k++) {
        let i = next[k] as number;
        if (i >= 0 && i < pos) {
          i = text.indexOf(forms[k] as string, pos);
          next[k] = i;
        }
        if (i >= 0 && (best < 0 || i < at)) {
          best = k;
          at = i;
        }
      }
      if (best < 0) return out + text.slice(pos);
      out += `${text.slice(pos, at)}${MASK}`;
      pos = at + (forms[best] as string).length;
    }
  }

  /**
   * `value` with every string masked (keys included). Copy on write: what holds no secret is returned
   * as is, so masking a result without secrets allocates nothing. Cycles are kept (as copies).
   */
  deep<T>(value: T): T {
    // most results hold no secret: look first without allocating, copy only when there is one
    if (!this.#holdsSecret(value, new WeakSet())) return value;
    const state: DeepState = { seen: new WeakMap(), cyclic: false, copyAll: false };
    const masked = this.#deep(value, state);
    if (!state.cyclic) return masked as T;
    // a cycle met before its object was done: copy everything so no path leads back to the original
    return this.#deep(value, { seen: new WeakMap(), cyclic: false, copyAll: true }) as T;
  }

  #holdsSecret(value: unknown, seen: WeakSet<object>): boolean {
    if (typeof value === 'string') return this.#whole.has(value) || this.#contains(value);
    if (value === null || typeof value !== 'object') return false;
    if (value instanceof Error) return true; // errors are masked in place by the full walk
    if (seen.has(value) || ArrayBuffer.isView(value) || value instanceof Date) return false;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) if (this.#holdsSecret(item, seen)) return true;
      return false;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (this.#holdsSecret(key, seen) || this.#holdsSecret((value as Record<string, unknown>)[key], seen))
        return true;
    }
    return false;
  }

  #deep(value: unknown, state: DeepState): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return this.#error(value, state.seen);
    const done = state.seen.get(value);
    if (done === PENDING) {
      state.cyclic = true;
      return value;
    }
    if (done !== undefined) return done;
    if (ArrayBuffer.isView(value) || value instanceof Date) return value;
    if (Array.isArray(value)) {
      const copy: unknown[] | undefined = state.copyAll ? [] : undefined;
      state.seen.set(value, copy ?? PENDING);
      let changed = state.copyAll;
      const items = value.map((item) => {
        const masked = this.#deep(item, state);
        if (masked !== item) changed = true;
        return masked;
      });
      const result = copy ? Object.assign(copy, items) : changed ? items : value;
      state.seen.set(value, result);
      return result;
    }
    const copy: Record<string, unknown> | undefined = state.copyAll ? {} : undefined;
    state.seen.set(value, copy ?? PENDING);
    let changed = state.copyAll;
    const entries = Object.entries(value).map(([k, v]): [string, unknown] => {
      const key = this.string(k);
      const masked = this.#deep(v, state);
      if (key !== k || masked !== v) changed = true;
      return [key, masked];
    });
    if (!changed) {
      state.seen.set(value, value);
      return value;
    }
    const result = copy ?? {};
    for (const [key, masked] of entries) {
      // an own "__proto__" key (JSON.parse makes them) must stay a key, not become the prototype
      if (key === '__proto__') {
        Object.defineProperty(result, key, {
          value: masked,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else result[key] = masked;
    }
    state.seen.set(value, result);
    return result;
  }

  /**
   * Masks an error in place and returns it: message, stack, `issues`, the `cause` chain, the errors of
   * an `AggregateError`, and its own fields (SDK errors carry request details such as headers).
   * Cycles between errors are cut.
   */
  error<E>(error: E): E {
    return this.#error(error, new WeakMap());
  }

  #error<E>(error: E, seen: WeakMap<object, unknown>): E {
    if (!(error instanceof Error) || seen.has(error)) return error;
    seen.set(error, error);
    const fields = error as unknown as Record<string, unknown>;
    const state: DeepState = { seen, cyclic: false, copyAll: true };
    const mask = (key: string): void => {
      try {
        const value = fields[key];
        if (value instanceof Error) this.#error(value, seen);
        else if (value !== undefined) fields[key] = this.#deep(value, state);
      } catch {
        // a frozen error or a getter: leave it, the caller wraps what it shows
      }
    };
    mask('message');
    mask('stack');
    for (const key of ['cause', 'errors', 'issues']) if (Object.hasOwn(error, key)) mask(key);
    for (const key of Object.keys(error))
      if (!['message', 'stack', 'cause', 'errors', 'issues'].includes(key)) mask(key);
    return error;
  }
}
