import type { JSONSchema } from '@ubom/core';
import type { CommandContext } from '../context';
import { EXIT, InputError } from '../errors';
import type { Executors } from '../executors';
import { openProject } from '../project';
import { table } from '../render';

export interface SchemaFlags {
  full?: boolean;
  work?: boolean;
  table?: boolean;
}

/** The envelope every work shares (core's WORK_SCHEMA), with descriptions for editors. */
const ENVELOPE: Record<string, JSONSchema> = {
  $schema: { type: 'string', description: 'The JSON Schema of this file, for editors; ignored when run.' },
  id: { type: 'string', minLength: 1, description: 'Identifies the work in logs and results.' },
  type: { type: 'string', minLength: 1, description: 'The work type: which executor runs it.' },
  name: { type: 'string', description: 'A readable name, shown instead of the id.' },
  executor_config: { type: 'object', description: "The executor's settings (see the work type)." },
  inputs: { type: 'object', description: 'Values handed to the work.' },
  timeout: {
    description: 'Bound of the whole run: a duration (30s, 1m30s, 500ms) or milliseconds.',
    anyOf: [
      { type: 'string', pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h))+$', examples: ['30s', '1m30s', '500ms'] },
      { type: 'number', minimum: 0 },
    ],
  },
  labels: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Free-form string labels.',
  },
};

/** A type's schema embedded in another: its own resource (`$id`), so its `#/$defs/…` refs still resolve. */
function embedded(schema: JSONSchema, id: string): JSONSchema {
  const { $schema: _drop, ...rest } = schema as Record<string, unknown>;
  return { ...rest, $id: id } as JSONSchema;
}

/**
 * The JSON Schema of a whole work file for `types`: the envelope, `type` one of them, and each type's
 * `executor_config` (and `inputs` when it has a schema) chosen by `type` (if/then, so an editor shows
 * the config of the type written).
 */
export function workFileSchema(schemas: ReadonlyMap<string, { config: JSONSchema; inputs?: JSONSchema }>) {
  const types = [...schemas.keys()];
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'UBOM work',
    type: 'object',
    properties: { ...ENVELOPE, type: { ...(ENVELOPE.type as object), enum: types } },
    required: ['id', 'type', 'executor_config'],
    additionalProperties: false,
    allOf: [...schemas].map(([type, s]) => ({
      if: { properties: { type: { const: type } }, required: ['type'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, never awaited
      then: {
        properties: {
          executor_config: embedded(s.config, `ubom:work-type/${type}/executor_config`),
          ...(s.inputs ? { inputs: embedded(s.inputs, `ubom:work-type/${type}/inputs`) } : {}),
        },
      },
    })),
  };
}

/**
 * The work-file schema of `types`, else of every installed type (a plugin that fails to load is then
 * left out: the others still get an editor schema).
 */
export async function workFileSchemaOf(executors: Executors, types: readonly string[] = []) {
  const wanted = types.length > 0 ? types : executors.servedTypes();
  const found = await Promise.all(
    wanted.map((type) =>
      executors.schemaOf(type).then(
        (schema) => [type, schema] as const,
        (error: unknown) => {
          if (types.length > 0) throw error;
          return undefined;
        },
      ),
    ),
  );
  return workFileSchema(new Map(found.filter((entry) => entry !== undefined)));
}

const typeName = (s: Record<string, unknown>): string => {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = (s.anyOf ?? s.oneOf) as Record<string, unknown>[] | undefined;
  if (alts) return [...new Set(alts.map(typeName))].join(' | ');
  if (s.type === 'array' && s.items && typeof s.items === 'object')
    return `${typeName(s.items as Record<string, unknown>)}[]`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return typeof s.type === 'string' ? s.type : s.$ref ? 'object' : 'any';
};

/** One row per property, nested objects as `a.b`: key, type, required, default, description, secret. */
export function fieldRows(schema: JSONSchema, prefix = ''): string[][] {
  const s = schema as Record<string, unknown>;
  const props = (s.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((s.required ?? []) as string[]);
  const rows: string[][] = [];
  for (const [key, prop] of Object.entries(props)) {
    const secret =
      prop.writeOnly === true ||
      (typeof prop.additionalProperties === 'object' &&
        (prop.additionalProperties as Record<string, unknown>).writeOnly === true);
    rows.push([
      `${prefix}${key}`,
      typeName(prop),
      required.has(key) ? 'yes' : '',
      prop.default === undefined ? '' : JSON.stringify(prop.default),
      typeof prop.description === 'string' ? prop.description.replace(/\s+/g, ' ') : '',
      secret ? 'yes' : '',
    ]);
    if (prop.type === 'object' && prop.properties) rows.push(...fieldRows(prop, `${prefix}${key}.`));
  }
  return rows;
}

/**
 * `ubom schema <type>`: the JSON Schema of a type's `executor_config` (`--full`: the whole WorkSchema;
 * `--table`: a readable field list). `ubom schema --work [type…]`: the schema of a whole work file for
 * the given types, else every installed one. Plugins are imported but not initialized: printing a
 * schema needs no engine, host or account.
 */
export async function schemaCommand(
  types: string[],
  flags: SchemaFlags,
  ctx: CommandContext,
): Promise<number> {
  if (!flags.work && types.length !== 1)
    throw new InputError('ubom schema takes one work type (or --work [type…] for a whole work file)');
  const { executors } = await openProject(ctx);
  try {
    if (flags.work) {
      const schema = await workFileSchemaOf(executors, types);
      ctx.io.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
      return EXIT.ok;
    }
    const type = types[0] as string;
    const schema = await executors.schemaOf(type);
    if (flags.table) {
      const head = ['KEY', 'TYPE', 'REQUIRED', 'DEFAULT', 'DESCRIPTION', 'SECRET'];
      ctx.io.stdout.write(`${table([head, ...fieldRows(schema.config)])}\n`);
      return EXIT.ok;
    }
    ctx.io.stdout.write(`${JSON.stringify(flags.full ? schema : schema.config, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    await executors.shutdown();
  }
}
