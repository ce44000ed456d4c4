import type { JSONSchema } from '../types';

/** Where secrets sit in a config, derived once per schema from its `writeOnly: true` fields. */
interface SecretPlan {
  secret: boolean;
  properties: Map<string, SecretPlan>;
  patterns: Array<[RegExp, SecretPlan]>;
  additional: SecretPlan | undefined;
  items: SecretPlan | undefined;
  variants: SecretPlan[];
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
  plan.items = build(schema.items, root, memo) ?? build(schema.prefixItems, root, memo) ?? undefined;
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
    const found: string[] = [];
    collect(config, plan, false, found, new Set());
    return found;
  };
}

function collect(
  value: unknown,
  plan: SecretPlan | undefined,
  inSecret: boolean,
  out: string[],
  seen: Set<SecretPlan>,
): void {
  const secret = inSecret || plan?.secret === true;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    if (secret) out.push(String(value));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (!plan) {
    if (secret) for (const v of Object.values(value)) collect(v, undefined, true, out, seen);
    return;
  }
  if (seen.has(plan)) return;
  seen.add(plan);
  for (const variant of plan.variants) collect(value, variant, secret, out, seen);
  seen.delete(plan);
  if (Array.isArray(value)) {
    for (const item of value) collect(item, plan.items, secret, out, seen);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const sub =
      plan.properties.get(key) ?? plan.patterns.find(([re]) => re.test(key))?.[1] ?? plan.additional;
    collect(v, sub, secret, out, seen);
  }
}
