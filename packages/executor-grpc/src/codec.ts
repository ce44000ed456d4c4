import { ValidationError } from '@ubom/core';
import type { IConversionOptions, Message, Type } from 'protobufjs';
import { SCOPE } from './config';
import { planOf, protojson } from './type-plan';
import { Walker } from './walker';

const OUTPUT: IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
  objects: true,
  json: true,
};

/**
 * JSON → protobuf bytes. Field names as in the proto or as their lowerCamelCase JSON names; int64 as
 * string or number; enums by name (or number); bytes as base64; well-known types in ProtoJSON form.
 * Every problem is reported at once, each at its JSON path under `path`.
 */
export function encodeMessage(type: Type, value: unknown, path: string): Buffer {
  const walker = new Walker();
  const normalized = walker.message(type, value, path, undefined, 0);
  if (walker.issues.length > 0) throw new ValidationError(walker.issues, { scope: SCOPE });
  try {
    const bytes = type.encode(type.fromObject(normalized as Record<string, unknown>)).finish();
    // protobufjs already returns a Buffer on Node: no copy then
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (cause) {
    throw ValidationError.single(
      path,
      `cannot be encoded as ${type.fullName.slice(1)}: ${(cause as Error).message}`,
      {
        scope: SCOPE,
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
