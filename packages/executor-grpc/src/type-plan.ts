import { Enum, type Field, type Type } from 'protobufjs';
import * as protojsonModule from 'protobufjs/ext/protojson.js';

// What the request walker and the decoder know of a message type, computed once per type.

// CommonJS module: its functions sit on `default` when Node's ESM loader imports it
export const protojson: typeof protojsonModule =
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

export interface TypePlan {
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

export function planOf(type: Type): TypePlan {
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
