import { joinPath, suggest, ValidationError, type ValidationIssue } from '@ubom/core';
import { Enum, type Field, type IConversionOptions, type Message, type Type } from 'protobufjs';
import * as protojsonModule from 'protobufjs/ext/protojson.js';
import { enumValue, fastScalar, scalar, show } from './scalars';

// CommonJS module: its functions sit on `default` when Node's ESM loader imports it
const protojson: typeof protojsonModule =
  (protojsonModule as unknown as { default?: typeof protojsonModule }).default ?? protojsonModule;

/** Types that ProtoJSON writes in a special form (`"2024-01-01T00:00:00Z"`, `"1.5s"`, plain values…). */
const WELL_KNOWN = new Set(
  [
    'Any',
    'Duration',
    'Timestamp',
    'FieldMask',
    'Struct',
    'Value',
    'ListValue',
    'DoubleValue',
    'FloatValue',
    'Int64Value',
    'UInt64Value',
    'Int32Value',
    'UInt32Value',
    'BoolValue',
    'StringValue',
    'BytesValue',
  ].map((name) => `.google.protobuf.${name}`),
);
const isWellKnown = (type: Type): boolean => WELL_KNOWN.has(type.fullName);

const OUTPUT: IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
  objects: true,
  json: true,
};

interface TypePlan {
  /** The type itself is a well-known type (its `fullName` is a getter that builds a string). */
  wellKnown: boolean;
  /** Field by proto name and by lowerCamelCase JSON name. */
  byKey: Map<string, Field>;
  names: string[];
  /** Whether a well-known type is reachable (then the output needs a second pass). */
  hasWellKnown: boolean;
  /** Fields whose type is well-known or reaches one: the only ones the second pass visits. */
  wellKnownFields: Field[];
}

const plans = new WeakMap<Type, TypePlan>();

function planOf(type: Type): TypePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  const byKey = new Map<string, Field>();
  for (const field of type.fieldsArray) {
    field.resolve();
    byKey.set(field.name, field);
    if (field.jsonName && !byKey.has(field.jsonName)) byKey.set(field.jsonName, field);
  }
  plan = {
    wellKnown: isWellKnown(type),
    byKey,
    names: type.fieldsArray.map((f) => f.name),
    hasWellKnown: false,
    wellKnownFields: [],
  };
  plans.set(type, plan);
  plan.hasWellKnown = reachesWellKnown(type, new Set());
  if (plan.hasWellKnown) {
    plan.wellKnownFields = type.fieldsArray.filter((field) => {
      const t = field.resolvedType;
      return (
        Boolean(t) &&
        !(t instanceof Enum) &&
        (isWellKnown(t as Type) || reachesWellKnown(t as Type, new Set()))
      );
    });
  }
  return plan;
}

function reachesWellKnown(type: Type, seen: Set<Type>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  for (const field of type.fieldsArray) {
    const t = field.resolve().resolvedType;
    if (t && !(t instanceof Enum) && (isWellKnown(t as Type) || reachesWellKnown(t as Type, seen)))
      return true;
  }
  return false;
}

/**
 * Where a value sits in the request, as (parent, key) links: built only for nested messages and turned
 * into a JSON path only when there is a problem to report, so a valid request allocates no paths.
 */
type Loc = string | { readonly up: Loc; readonly key: string | number };
type Key = string | number | undefined;
const locText = (up: Loc, key: Key = undefined): string => {
  const base = typeof up === 'string' ? up : locText(up.up, up.key);
  return key === undefined ? base : joinPath(base, [String(key)]);
};
const locOf = (up: Loc, key: Key): Loc => (key === undefined ? up : { up, key });

class Walker {
  readonly issues: ValidationIssue[] = [];

  #issue(up: Loc, key: Key, message: string): undefined {
    this.issues.push({ path: locText(up, key), message });
    return undefined;
  }

  /** The message at `up`/`key` (key undefined: at `up` itself). */
  message(type: Type, value: unknown, up: Loc, key: Key, depth: number): unknown {
    const plan = planOf(type);
    if (plan.wellKnown) {
      try {
        return protojson.fromJson(type, value);
      } catch (error) {
        const reason = (error as Error).message.replace(/^\.?[\w.]+: /, '');
        return this.#issue(up, key, `must be a ${type.fullName.slice(1)} in ProtoJSON form (${reason})`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return this.#issue(up, key, `must be an object (${type.fullName.slice(1)}), got ${show(value)}`);
    if (depth > 64) return this.#issue(up, key, 'is nested too deeply');
    const at = locOf(up, key);
    const out: Record<string, unknown> = {};
    let oneofs: Map<string, string> | undefined;
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      const raw = (value as Record<string, unknown>)[name];
      const field = plan.byKey.get(name);
      if (!field) {
        const hint = suggest(name, plan.names);
        this.#issue(
          at,
          name,
          hint
            ? `unknown field of ${type.fullName.slice(1)} — did you mean "${hint}"?`
            : `unknown field of ${type.fullName.slice(1)} (fields: ${plan.names.join(', ') || 'none'})`,
        );
        continue;
      }
      if (raw === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue;
      if (field.name in out) {
        this.#issue(at, name, `sets ${field.name} twice (as ${field.name} and ${field.jsonName})`);
        continue;
      }
      if (field.partOf) {
        oneofs ??= new Map();
        const other = oneofs.get(field.partOf.name);
        if (other !== undefined) {
          this.#issue(at, name, `cannot be set with ${other}: both are in oneof ${field.partOf.name}`);
          continue;
        }
        oneofs.set(field.partOf.name, field.name);
      }
      const converted = this.field(field, raw, at, name, depth);
      if (converted !== undefined) out[field.name] = converted;
    }
    return out;
  }

  field(field: Field, value: unknown, up: Loc, key: string, depth: number): unknown {
    if (field.map) {
      const keyType = (field as Field & { keyType: string }).keyType;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return this.#issue(up, key, `must be an object (map<${keyType}, ${field.type}>), got ${show(value)}`);
      const at: Loc = { up, key };
      const out: Record<string, unknown> = {};
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        const badKey =
          keyType === 'bool'
            ? k !== 'true' && k !== 'false'
            : keyType !== 'string' && 'error' in scalar(keyType, k);
        if (badKey) this.#issue(at, k, `is not a valid ${keyType} map key`);
        else out[k] = this.single(field, (value as Record<string, unknown>)[k], at, k, depth);
      }
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(value))
        return this.#issue(up, key, `must be an array (repeated ${field.type}), got ${show(value)}`);
      const at: Loc = { up, key };
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = this.single(field, value[i], at, i, depth);
      return out;
    }
    return this.single(field, value, up, key, depth);
  }

  single(field: Field, value: unknown, up: Loc, key: string | number, depth: number): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof Enum) {
      if (typeof value === 'string' && resolved.values[value] !== undefined) return value;
      const converted = enumValue(resolved, value);
      return 'error' in converted ? this.#issue(up, key, converted.error) : converted.value;
    }
    if (resolved) return this.message(resolved as Type, value, up, key, depth + 1);
    const fast = fastScalar(field.type, value);
    if (fast !== undefined) return fast;
    const converted = scalar(field.type, value);
    return 'error' in converted ? this.#issue(up, key, converted.error) : converted.value;
  }
}

/**
 * JSON → protobuf bytes. Field names as in the proto or as their lowerCamelCase JSON names; int64 as
 * string or number; enums by name (or number); bytes as base64; well-known types in ProtoJSON form.
 * Every problem is reported at once, each at its JSON path under `path`.
 */
export function encodeMessage(type: Type, value: unknown, path: string): Buffer {
  const walker = new Walker();
  const normalized = walker.message(type, value, path, undefined, 0);
  if (walker.issues.length > 0) throw new ValidationError(walker.issues, { scope: 'grpc' });
  try {
    const bytes = type.encode(type.fromObject(normalized as Record<string, unknown>)).finish();
    // protobufjs already returns a Buffer on Node: no copy then
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (cause) {
    throw ValidationError.single(
      path,
      `cannot be encoded as ${type.fullName.slice(1)}: ${(cause as Error).message}`,
      {
        scope: 'grpc',
        cause,
      },
    );
  }
}

/** Protobuf bytes → JSON with proto field names, defaults filled in, int64 as strings, enums by name. */
export function decodeMessage(type: Type, bytes: Uint8Array): Record<string, unknown> {
  const message = type.decode(bytes);
  const out = type.toObject(message, OUTPUT);
  if (planOf(type).hasWellKnown) fixWellKnown(type, message, out, 0);
  return out;
}

function wellKnownJson(type: Type, value: unknown): unknown {
  return value === null || value === undefined ? null : protojson.toJson(type, value as Message);
}

/** `toObject` writes well-known types field by field; rewrite them in their ProtoJSON form. */
function fixWellKnown(type: Type, message: Message, out: Record<string, unknown>, depth: number): void {
  if (depth > 64) return;
  const source = message as unknown as Record<string, unknown>;
  for (const field of planOf(type).wellKnownFields) {
    const sub = field.resolvedType as Type;
    const known = planOf(sub).wellKnown;
    const value = source[field.name];
    const each = (item: unknown, target: unknown): unknown => {
      if (known) return wellKnownJson(sub, item);
      if (item && target) fixWellKnown(sub, item as Message, target as Record<string, unknown>, depth + 1);
      return target;
    };
    const current = out[field.name];
    if (field.map && value && current) {
      const target = current as Record<string, unknown>;
      for (const [k, item] of Object.entries(value)) target[k] = each(item, target[k]);
    } else if (field.repeated && Array.isArray(value) && Array.isArray(current)) {
      out[field.name] = value.map((item, i) => each(item, current[i]));
    } else if (value !== undefined && value !== null) {
      out[field.name] = each(value, current);
    }
  }
}
