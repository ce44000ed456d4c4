import { suggest, ValidationError, type ValidationIssue } from '@ubom/core';
import { Enum, type Field, type IConversionOptions, type Message, type Type } from 'protobufjs';
import * as protojsonModule from 'protobufjs/ext/protojson.js';
import { joinPath } from './config';

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
  /** Field by proto name and by lowerCamelCase JSON name. */
  byKey: Map<string, Field>;
  names: string[];
  /** Whether a well-known type is reachable (then the output needs a second pass). */
  hasWellKnown: boolean;
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
  plan = { byKey, names: type.fieldsArray.map((f) => f.name), hasWellKnown: false };
  plans.set(type, plan);
  plan.hasWellKnown = reachesWellKnown(type, new Set());
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

const INT_RANGE: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const LONG = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

type Converted = { value: unknown } | { error: string };

function scalar(type: string, value: unknown): Converted {
  const range = INT_RANGE[type];
  if (range) {
    const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : '') : value;
    if (typeof text !== 'string' || !/^-?[0-9]+$/.test(text))
      return {
        error: `must be an integer (${type}${LONG.has(type) ? ', a number or a string' : ''}), got ${show(value)}`,
      };
    const big = BigInt(text);
    if (big < range[0] || big > range[1]) return { error: `is out of range for ${type}, got ${text}` };
    return { value: LONG.has(type) ? text : Number(text) };
  }
  switch (type) {
    case 'double':
    case 'float': {
      const n =
        typeof value === 'string' && /^(NaN|-?Infinity|-?[0-9.eE+-]+)$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || (Number.isNaN(n) && value !== 'NaN'))
        return { error: `must be a number (${type}), got ${show(value)}` };
      if (type === 'float' && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38)
        return { error: `is out of range for float, got ${show(value)}` };
      return { value: n };
    }
    case 'bool':
      return typeof value === 'boolean' ? { value } : { error: `must be true or false, got ${show(value)}` };
    case 'string':
      return typeof value === 'string' ? { value } : { error: `must be a string, got ${show(value)}` };
    case 'bytes':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
        return { error: `must be base64 text (bytes), got ${show(value)}` };
      return { value: value.replace(/-/g, '+').replace(/_/g, '/') };
    default:
      return { error: `has an unsupported type ${type}` };
  }
}

function enumValue(type: Enum, value: unknown): Converted {
  if (typeof value === 'string') {
    if (type.values[value] !== undefined) return { value };
    const hint = suggest(value, Object.keys(type.values));
    const list = Object.keys(type.values).join(', ');
    return { error: `must be one of ${list}, got ${show(value)}${hint ? ` — did you mean "${hint}"?` : ''}` };
  }
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return { value };
  return { error: `must be an enum name of ${type.fullName.slice(1)}, got ${show(value)}` };
}

class Walker {
  readonly issues: ValidationIssue[] = [];

  message(type: Type, value: unknown, path: string, depth: number): unknown {
    if (isWellKnown(type)) {
      try {
        return protojson.fromJson(type, value);
      } catch (error) {
        const reason = (error as Error).message.replace(/^\.?[\w.]+: /, '');
        this.issues.push({
          path,
          message: `must be a ${type.fullName.slice(1)} in ProtoJSON form (${reason})`,
        });
        return undefined;
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.issues.push({
        path,
        message: `must be an object (${type.fullName.slice(1)}), got ${show(value)}`,
      });
      return undefined;
    }
    if (depth > 64) {
      this.issues.push({ path, message: 'is nested too deeply' });
      return undefined;
    }
    const plan = planOf(type);
    const out: Record<string, unknown> = {};
    const oneofs = new Map<string, string>();
    for (const [key, raw] of Object.entries(value)) {
      const at = joinPath(path, [key]);
      const field = plan.byKey.get(key);
      if (!field) {
        const hint = suggest(key, plan.names);
        this.issues.push({
          path: at,
          message: hint
            ? `unknown field of ${type.fullName.slice(1)} — did you mean "${hint}"?`
            : `unknown field of ${type.fullName.slice(1)} (fields: ${plan.names.join(', ') || 'none'})`,
        });
        continue;
      }
      if (raw === null && !(field.resolvedType && field.resolvedType.fullName === '.google.protobuf.Value'))
        continue;
      if (field.name in out) {
        this.issues.push({
          path: at,
          message: `sets ${field.name} twice (as ${field.name} and ${field.jsonName})`,
        });
        continue;
      }
      if (field.partOf) {
        const other = oneofs.get(field.partOf.name);
        if (other !== undefined) {
          this.issues.push({
            path: at,
            message: `cannot be set with ${other}: both are in oneof ${field.partOf.name}`,
          });
          continue;
        }
        oneofs.set(field.partOf.name, field.name);
      }
      const converted = this.field(field, raw, at, depth);
      if (converted !== undefined) out[field.name] = converted;
    }
    return out;
  }

  field(field: Field, value: unknown, path: string, depth: number): unknown {
    if (field.map) {
      const keyType = (field as Field & { keyType: string }).keyType;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        this.issues.push({
          path,
          message: `must be an object (map<${keyType}, ${field.type}>), got ${show(value)}`,
        });
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const at = joinPath(path, [key]);
        if (
          keyType === 'bool'
            ? key !== 'true' && key !== 'false'
            : keyType !== 'string' && 'error' in scalar(keyType, key)
        ) {
          this.issues.push({ path: at, message: `is not a valid ${keyType} map key` });
          continue;
        }
        out[key] = this.single(field, item, at, depth);
      }
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) {
        this.issues.push({ path, message: `must be an array (repeated ${field.type}), got ${show(value)}` });
        return undefined;
      }
      return value.map((item, i) => this.single(field, item, `${path}[${i}]`, depth));
    }
    return this.single(field, value, path, depth);
  }

  single(field: Field, value: unknown, path: string, depth: number): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof Enum) {
      const converted = enumValue(resolved, value);
      if ('error' in converted) this.issues.push({ path, message: converted.error });
      return 'value' in converted ? converted.value : undefined;
    }
    if (resolved) return this.message(resolved as Type, value, path, depth + 1);
    const converted = scalar(field.type, value);
    if ('error' in converted) {
      this.issues.push({ path, message: converted.error });
      return undefined;
    }
    return converted.value;
  }
}

/**
 * JSON → protobuf bytes. Field names as in the proto or as their lowerCamelCase JSON names; int64 as
 * string or number; enums by name (or number); bytes as base64; well-known types in ProtoJSON form.
 * Every problem is reported at once, each at its JSON path under `path`.
 */
export function encodeMessage(type: Type, value: unknown, path: string): Buffer {
  const walker = new Walker();
  const normalized = walker.message(type, value, path, 0);
  if (walker.issues.length > 0) throw new ValidationError(walker.issues, { scope: 'grpc' });
  try {
    return Buffer.from(type.encode(type.fromObject(normalized as Record<string, unknown>)).finish());
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
  for (const field of type.fieldsArray) {
    const t = field.resolvedType;
    if (!t || t instanceof Enum) continue;
    const sub = t as Type;
    const known = isWellKnown(sub);
    if (!known && !planOf(sub).hasWellKnown) continue;
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
