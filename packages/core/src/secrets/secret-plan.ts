import type { JSONSchema } from '../types';
import { MAX_DEPTH } from '../validation/bounds';

/** Where secrets sit in a config, derived once per schema from its `writeOnly: true` fields. */
interface SecretPlan {
  secret: boolean;
  properties: Map<string, SecretPlan>;
  patterns: Array<[RegExp, SecretPlan]>;
  additional: SecretPlan | undefined;
  items: SecretPlan | undefined;
  /** Tuple positions (`prefixItems`, or an `items` array). */
  prefix: Array<SecretPlan | undefined> | undefined;
  /** Schemas that apply to the same value: `anyOf`/`oneOf`/`allOf`, `then`/`else`, the `$ref` target. */
  variants: SecretPlan[];
  /** The plan and every variant it leads to, each once (`$ref` cycles included): set on first use. */
  closure?: SecretPlan[];
}

type SchemaObject = { [key: string]: unknown };
const isObject = (v: unknown): v is SchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolveRef(root: SchemaObject, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

function build(
  schema: unknown,
  root: SchemaObject,
  memo: Map<unknown, SecretPlan | null>,
): SecretPlan | null {
  if (!isObject(schema)) return null;
  if (memo.has(schema)) return memo.get(schema) ?? null;
  const plan: SecretPlan = {
    secret: schema.writeOnly === true,
    properties: new Map(),
    patterns: [],
    additional: undefined,
    items: undefined,
    prefix: undefined,
    variants: [],
  };
  memo.set(schema, plan); // provisional, breaks $ref cycles
  if (isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      const p = build(sub, root, memo);
      if (p) plan.properties.set(key, p);
    }
  }
  if (isObject(schema.patternProperties)) {
    for (const [pattern, sub] of Object.entries(schema.patternProperties)) {
      const p = build(sub, root, memo);
      if (p) plan.patterns.push([new RegExp(pattern, 'u'), p]);
    }
  }
  plan.additional = build(schema.additionalProperties, root, memo) ?? undefined;
  plan.items = build(schema.items, root, memo) ?? undefined;
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : schema.items;
  if (Array.isArray(tuple)) {
    const prefix = tuple.map((sub) => build(sub, root, memo) ?? undefined);
    if (prefix.some(Boolean)) plan.prefix = prefix;
  }
  for (const key of ['then', 'else'] as const) {
    const p = build(schema[key], root, memo);
    if (p) plan.variants.push(p);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const sub of list) {
        const p = build(sub, root, memo);
        if (p) plan.variants.push(p);
      }
  }
  if (typeof schema.$ref === 'string') {
    const p = build(resolveRef(root, schema.$ref), root, memo);
    if (p) plan.variants.push(p);
  }
  const empty =
    !plan.secret &&
    plan.properties.size === 0 &&
    plan.patterns.length === 0 &&
    !plan.additional &&
    !plan.items &&
    !plan.prefix &&
    plan.variants.length === 0;
  memo.set(schema, empty ? null : plan);
  return empty ? null : plan;
}

/** A function listing the secret values of a config, or `undefined` when the schema marks none. */
export type SecretExtractor = (config: unknown) => string[];

export function compileSecretExtractor(schema: JSONSchema | undefined): SecretExtractor | undefined {
  if (!isObject(schema)) return undefined;
  const plan = build(schema, schema, new Map());
  if (!plan) return undefined;
  return (config) => {
    const found = new Set<string>();
    collect(config, [plan], false, found, new Set());
    return [...found];
  };
}

function closureOf(plan: SecretPlan): SecretPlan[] {
  if (!plan.closure) {
    const all = new Set([plan]);
    for (const p of all) for (const variant of p.variants) all.add(variant);
    plan.closure = [...all];
  }
  return plan.closure;
}

/** `plans` with every variant they lead to, each once. */
function expand(plans: SecretPlan[]): SecretPlan[] {
  if (plans.length === 1) return closureOf(plans[0] as SecretPlan);
  const all = new Set<SecretPlan>();
  for (const plan of plans) for (const p of closureOf(plan)) all.add(p);
  return [...all];
}

/**
 * Walks `value` along every plan that applies to it. A value is secret when any applicable plan says
 * so (masking too much beats leaking); everything under a secret is secret. Cycles in `value` are cut.
 */
function collect(
  value: unknown,
  plans: SecretPlan[],
  inSecret: boolean,
  out: Set<string>,
  ancestors: Set<object>,
): void {
  const all = plans.length === 0 ? plans : expand(plans);
  let secret = inSecret;
  for (const p of all) secret ||= p.secret;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    if (secret) out.add(String(value));
    return;
  }
  if (value === null || typeof value !== 'object' || ancestors.has(value)) return;
  if (!secret && all.length === 0) return;
  // deeper than any work may nest (such a work is refused, see `boundsIssues`): no stack overflow
  if (ancestors.size > MAX_DEPTH) return;
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const subs: SecretPlan[] = [];
      for (const p of all) {
        const sub = p.prefix?.[i] ?? (p.prefix && i < p.prefix.length ? undefined : p.items);
        if (sub) subs.push(sub);
      }
      collect(item, subs, secret, out, ancestors);
    });
  } else {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const v = (value as Record<string, unknown>)[key];
      const subs: SecretPlan[] = [];
      for (const p of all) {
        const sub = p.properties.get(key) ?? p.patterns.find(([re]) => re.test(key))?.[1] ?? p.additional;
        if (sub) subs.push(sub);
      }
      collect(v, subs, secret, out, ancestors);
    }
  }
  ancestors.delete(value);
}
