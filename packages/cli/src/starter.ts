import type { JSONSchema } from '@ubom/core';

type Node = Record<string, unknown>;

/** A union of object branches told apart by one key (`provider`, `type`): one branch is written. */
export interface Variant {
  /** Where the union sits, e.g. `credentials` (`` for the whole config). */
  path: string;
  /** The key whose value picks the branch. */
  key: string;
  chosen: string;
  values: string[];
}

export interface Starter {
  /** Required keys filled (examples, defaults), optional keys that have a default written with it. */
  config: Record<string, unknown>;
  /** The unions a branch was chosen in. */
  variants: Variant[];
  /** Optional keys of the config left out (they have no default); `ubom schema <type> --table` lists them. */
  omitted: string[];
  /** Wanted variants no union took (two of the same union, or one under a key left out). */
  unused: string[];
}

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
const upperSnake = (parts: readonly string[]) =>
  parts
    .join('_')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase() || 'SECRET';

class Builder {
  readonly variants: Variant[] = [];
  readonly #root: Node;
  readonly #wanted: ReadonlySet<string>;

  constructor(root: Node, wanted: ReadonlySet<string>) {
    this.#root = root;
    this.#wanted = wanted;
  }

  /** `node` with a local `$ref` followed (zod emits `#/$defs/…` and `#`). */
  deref(node: unknown, depth = 0): Node {
    if (!isObject(node)) return {};
    const ref = node.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#') || depth > 8) return node;
    const target = ref
      .slice(2)
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), this.#root);
    return this.deref(target, depth + 1);
  }

  /**
   * The branch of a union to write: for a tagged union, the one `value` names, else a wanted variant,
   * else the first (recorded in `variants`); for another union, the first of `value`'s JSON type.
   */
  branch(node: Node, path: string[], value?: unknown, record = true): Node | undefined {
    const branches = ((node.oneOf ?? node.anyOf) as unknown[] | undefined)?.map((b) => this.deref(b)) ?? [];
    const tagged = branches.map((b) => ({ b, tag: tagOf(b) }));
    if (tagged.length === 0 || tagged.some((t) => !t.tag))
      return branches.find((b) => value !== undefined && typeMatches(b, value)) ?? branches[0];
    const key = tagged[0]?.tag?.key as string;
    const pick =
      tagged.find((t) => isObject(value) && value[key] === t.tag?.value) ??
      tagged.find((t) => this.#wanted.has(t.tag?.value as string)) ??
      tagged.find((t) => variantValues(t.b).some((v) => this.#wanted.has(v))) ??
      (tagged[0] as (typeof tagged)[number]);
    const values = tagged.map((t) => t.tag?.value as string);
    if (record) this.variants.push({ path: path.join('.'), key, chosen: pick.tag?.value as string, values });
    return pick.b;
  }

  /** A value for a key that must be there: its first example, default, const, enum value, or a stand-in. */
  sample(given: unknown, path: string[]): unknown {
    const node = this.deref(given);
    if (node.writeOnly === true) return { $secret: upperSnake(path) };
    const union = node.oneOf || node.anyOf;
    const examples = Array.isArray(node.examples) ? node.examples : [];
    const example = union ? examples.find((e) => this.fits(node, e)) : examples[0];
    if (example !== undefined) return this.merge(node, clone(example), path);
    if (node.default !== undefined) return clone(node.default);
    if (union) {
      const branch = this.branch(node, path);
      if (branch) return this.sample(branch, path);
    }
    if (node.const !== undefined) return node.const;
    if (Array.isArray(node.enum)) return node.enum[0];
    const type = Array.isArray(node.type) ? node.type[0] : node.type;
    if (type === 'object' || node.properties) return this.object(node, {}, path);
    if (type === 'array')
      return (node.minItems as number) > 0 ? [this.sample(node.items, [...path, '0'])] : [];
    if (type === 'integer' || type === 'number') return (node.minimum as number | undefined) ?? 0;
    if (type === 'boolean') return false;
    if (type === 'null') return null;
    return `<${path.at(-1) ?? 'value'}>`;
  }

  /** `value` (an example, or what was built) with `node`'s schema: defaults added, secrets made references. */
  merge(given: unknown, value: unknown, path: string[]): unknown {
    let node = this.deref(given);
    if (node.oneOf || node.anyOf) {
      // an example of another branch than the one asked for (`--variant profile`): that branch instead
      const want = this.wantedTag(node);
      if (want && isObject(value) && value[want.key] !== want.value) return this.sample(node, path);
      node = this.branch(node, path, value) ?? node;
    }
    if (node.writeOnly === true && typeof value === 'string') return { $secret: upperSnake(path) };
    if (Array.isArray(value)) return value.map((v, i) => this.merge(node.items, v, [...path, String(i)]));
    if (!isObject(value) || (!node.properties && !isObject(node.additionalProperties))) return value;
    return this.object(node, value, path);
  }

  /** Keys in schema order: those of `value`, the required ones, those with a default, a wanted variant. */
  object(node: Node, value: Node, path: string[]): Node {
    const props = (node.properties ?? {}) as Node;
    const required = new Set((node.required ?? []) as string[]);
    const out: Node = {};
    for (const [key, prop] of Object.entries(props)) {
      const at = [...path, key];
      const p = this.deref(prop);
      if (key in value) out[key] = this.merge(p, value[key], at);
      else if (required.has(key)) out[key] = this.sample(p, at);
      else if (p.default !== undefined) out[key] = clone(p.default);
      else if (this.offers(p)) out[key] = this.sample(p, at);
    }
    for (const [key, v] of Object.entries(value)) {
      if (key in props) continue;
      const extra = isObject(node.additionalProperties) ? node.additionalProperties : {};
      out[key] = this.merge(extra, v, [key]); // a map entry: its secret is named by its own key
    }
    return out;
  }

  /** The tag of the branch of a union a wanted variant names, if any. */
  wantedTag(node: Node): { key: string; value: string } | undefined {
    const branches = ((node.oneOf ?? node.anyOf) as unknown[]).map((b) => tagOf(this.deref(b)));
    return branches.find((t) => t && this.#wanted.has(t.value));
  }

  /** Whether an example of a union is of the branch a wanted variant names (any, when none is wanted). */
  fits(node: Node, example: unknown): boolean {
    const branches = ((node.oneOf ?? node.anyOf) as unknown[]).map((b) => tagOf(this.deref(b)));
    const wanted = branches.filter((t) => t && this.#wanted.has(t.value));
    return wanted.length === 0 || wanted.some((t) => isObject(example) && example[t?.key ?? ''] === t?.value);
  }

  /** True when an optional key is a union with a branch the user asked for (`--variant bearer`). */
  offers(node: Node): boolean {
    const branches = (node.oneOf ?? node.anyOf) as unknown[] | undefined;
    return (branches ?? []).some((b) => {
      const tag = tagOf(this.deref(b));
      return tag !== undefined && this.#wanted.has(tag.value);
    });
  }
}

const JSON_TYPE = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v;

/** Whether a branch's `type` takes `value` (an integer is a number). */
function typeMatches(branch: Node, value: unknown): boolean {
  const types = ([] as unknown[]).concat(branch.type ?? []);
  const t = JSON_TYPE(value);
  return types.includes(t) || (t === 'number' && types.includes('integer'));
}

/** The key with a string `const` that tells a union's branch apart. */
function tagOf(branch: Node): { key: string; value: string } | undefined {
  for (const [key, prop] of Object.entries((branch.properties ?? {}) as Node))
    if (isObject(prop) && typeof prop.const === 'string') return { key, value: prop.const };
  return undefined;
}

/** Every string a union branch is picked by, anywhere in `schema` (for `--variant` and its error). */
export function variantValues(schema: JSONSchema): string[] {
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (isObject(node))
      for (const key of ['oneOf', 'anyOf'])
        for (const b of (node[key] as unknown[] | undefined) ?? []) {
          const tag = isObject(b) ? tagOf(b) : undefined;
          if (tag) found.add(tag.value);
        }
    for (const child of Object.values(node)) walk(child);
  };
  walk(schema);
  return [...found];
}

const containsAll = (value: unknown, wanted: ReadonlySet<string>): boolean => {
  const strings = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.add(v);
    else if (v && typeof v === 'object') for (const c of Object.values(v)) walk(c);
  };
  walk(value);
  return [...wanted].every((w) => strings.has(w));
};

/**
 * A starter `executor_config` from its JSON Schema. The schema's own config-level `examples` come
 * first (the first one holding every wanted variant value): an executor whose rules span keys
 * (authenticate one way, check the host key one way) says so with a whole example. Else it is built
 * from the required keys. Either way optional keys with a `default` are written with it (same meaning,
 * easy to delete), and secrets (`writeOnly`) become `{ "$secret": "NAME" }` references.
 */
export function starterConfig(schema: JSONSchema, variants: readonly string[] = []): Starter {
  const root = schema as Node;
  const wanted = new Set(variants);
  const builder = new Builder(root, wanted);
  const top = builder.deref(root);
  const union = top.oneOf || top.anyOf;
  // examples of the variant written (the one asked for, or holding one asked for, else the first)
  const tag = union ? tagOf(builder.branch(top, [], undefined, false) ?? {}) : undefined;
  const examples = (Array.isArray(root.examples) ? root.examples.filter(isObject) : []).filter(
    (e) => !tag || e[tag.key] === tag.value,
  );
  const example = examples.find((e) => containsAll(e, wanted)) ?? examples[0];
  const built = example
    ? builder.merge(root, clone(example), [])
    : builder.sample({ ...root, examples: undefined }, []);
  const config = isObject(built) ? built : {};
  const branch = union ? builder.branch(top, [], config, false) : top;
  const omitted = Object.keys((branch?.properties ?? {}) as Node).filter((key) => !(key in config));
  const chosen = new Set(builder.variants.map((v) => v.chosen));
  return { config, variants: builder.variants, omitted, unused: variants.filter((v) => !chosen.has(v)) };
}
