import { suggest } from '@ubom/core';
import type { Enum } from 'protobufjs';

// JSON values → protobuf scalar and enum values, for the request walker in codec.ts.

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
export const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

export type Converted = { value: unknown } | { error: string };

export function scalar(type: string, value: unknown): Converted {
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

export function enumValue(type: Enum, value: unknown): Converted {
  if (typeof value === 'string') {
    if (type.values[value] !== undefined) return { value };
    const hint = suggest(value, Object.keys(type.values));
    const list = Object.keys(type.values).join(', ');
    return { error: `must be one of ${list}, got ${show(value)}${hint ? ` — did you mean "${hint}"?` : ''}` };
  }
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return { value };
  return { error: `must be an enum name of ${type.fullName.slice(1)}, got ${show(value)}` };
}
