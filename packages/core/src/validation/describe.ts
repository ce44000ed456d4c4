import type { JSONSchema } from '../types';

const MAX_SHOWN = 60;

/** A short, human description of a value for "got …" (never the whole of a huge value). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
      return JSON.stringify(shown);
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

export function describeTypes(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return orList(types.map((t) => TYPE_NAMES[String(t)] ?? String(t)));
}

export function orList(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'a valid value';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** Describes what a schema accepts, for union errors ("must be a string or an array of strings"). */
export function describeSchema(schema: JSONSchema | undefined): string {
  if (schema === true || schema === undefined) return 'any value';
  if (schema === false) return 'nothing';
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.type === 'array' && schema.items && typeof schema.items === 'object' && 'type' in schema.items) {
    return `an array of ${describeTypes(schema.items.type).replace(/^an? /, '')}s`;
  }
  if (schema.type !== undefined) return describeTypes(schema.type);
  const branches = (schema.anyOf ?? schema.oneOf) as JSONSchema[] | undefined;
  if (Array.isArray(branches)) return orList(branches.map(describeSchema));
  return 'a valid value';
}

/** `["a", "b", 0]` → `a.b[0]`, quoting keys that are not plain identifiers. */
export function joinPath(base: string, segments: readonly string[]): string {
  let path = base;
  for (const segment of segments) {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path || '(root)';
}

/** Splits an ajv `instancePath` (a JSON pointer) into its keys. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
