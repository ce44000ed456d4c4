import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '../errors';
import type { JSONSchema } from '../types';
import { describeSchema, describeTypes, describeValue, joinPath, orList, pointerSegments } from './describe';
import { suggest } from './suggest';
import { unknownKeyMessage } from './unknown-key';

type SchemaObject = { [key: string]: unknown };

const asObject = (schema: unknown): SchemaObject | undefined =>
  schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as SchemaObject) : undefined;

/** Tells whether a value is (part of) a secret of the work being checked. */
export type SecretTest = (value: unknown) => boolean;

/**
 * A secret's value is never shown in a message, even when it is the one at fault: neither where the
 * failing schema is `writeOnly` itself nor where the value is a secret reached through `$ref` or a
 * `writeOnly` parent (the caller's `isSecret` knows those).
 */
const hidden = (error: ErrorObject, isSecret: SecretTest | undefined): boolean =>
  asObject(error.parentSchema)?.writeOnly === true || isSecret?.(error.data) === true;

function message(error: ErrorObject, isSecret?: SecretTest): { at: string[]; text: string } {
  const got = (e: ErrorObject): string =>
    hidden(e, isSecret) ? 'got a secret value (not shown)' : `got ${describeValue(e.data)}`;
  const at = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const parent = asObject(error.parentSchema) ?? {};
  switch (error.keyword) {
    case 'required':
      return { at: [...at, String(params.missingProperty)], text: 'is required' };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const known = Object.keys(asObject(parent.properties) ?? {});
      return { at: [...at, key], text: unknownKeyMessage(key, known) };
    }
    case 'type':
      return { at, text: `must be ${describeTypes(params.type)}, ${got(error)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const hint =
        typeof error.data === 'string' && !hidden(error, isSecret)
          ? suggest(error.data, allowed.map(String))
          : undefined;
      const list = orList(allowed.map((v) => JSON.stringify(v)));
      return { at, text: `must be ${list}, ${got(error)}${hint ? ` — did you mean "${hint}"?` : ''}` };
    }
    case 'const':
      return { at, text: `must be ${JSON.stringify(params.allowedValue)}, ${got(error)}` };
    case 'pattern': {
      const examples = parent.examples;
      const shape =
        Array.isArray(examples) && examples.length > 0
          ? `look like ${String(examples[0])}`
          : `match ${String(params.pattern)}`;
      return { at, text: `must ${shape}, ${got(error)}` };
    }
    case 'format':
      return { at, text: `must be a valid ${String(params.format)}, ${got(error)}` };
    case 'minLength':
      return {
        at,
        text: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long`,
      };
    case 'minItems':
      return {
        at,
        text: params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} items`,
      };
    case 'anyOf':
    case 'oneOf':
      return { at, text: `must be ${describeSchema(parent as JSONSchema)}, ${got(error)}` };
    case 'discriminator': {
      const tag = String(params.tag);
      if (params.error !== 'mapping') return { at: [...at, tag], text: 'is required and must be a string' };
      const branches = (parent.oneOf as unknown[] | undefined) ?? [];
      const allowed = branches.map((b) => asObject(asObject(asObject(b)?.properties)?.[tag])?.const);
      const value = params.tagValue;
      const hint = typeof value === 'string' ? suggest(value, allowed.map(String)) : undefined;
      const list = orList(allowed.map((v) => JSON.stringify(v)));
      return {
        at: [...at, tag],
        text: `must be ${list}, got ${describeValue(value)}${hint ? ` — did you mean "${hint}"?` : ''}`,
      };
    }
    case 'false schema':
      return { at, text: 'is not allowed here' };
    default:
      return {
        at,
        text: `${error.message ?? 'is invalid'}${error.data !== undefined && typeof error.data !== 'object' ? `, ${got(error)}` : ''}`,
      };
  }
}

const UNION = new Set(['anyOf', 'oneOf']);

/**
 * For a failed union, the errors of the branch the user most likely meant: one whose type matches
 * and whose discriminator (`const`/`enum` on a direct property) passes. `undefined` when unclear.
 */
function likelyBranch(union: ErrorObject, inside: ErrorObject[]): ErrorObject[] | undefined {
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of inside) {
    const branch = e.schemaPath.slice(union.schemaPath.length + 1).split('/')[0] ?? '';
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
  }
  const depth = pointerSegments(union.instancePath).length;
  const plausible = [...byBranch.values()].filter(
    (errors) =>
      !errors.some((e) => {
        const d = pointerSegments(e.instancePath).length;
        return (
          (d === depth && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum')) ||
          (d === depth + 1 && (e.keyword === 'const' || (e.keyword === 'enum' && isDiscriminator(e))))
        );
      }),
  );
  if (plausible.length === 0) return undefined;
  plausible.sort((a, b) => a.length - b.length);
  return plausible[0];
}

const isDiscriminator = (e: ErrorObject): boolean =>
  (asObject(e.parentSchema)?.enum as unknown[] | undefined)?.length === 1;

/**
 * For a failed union of objects where every branch rejects the same property's `const` (a
 * discriminated union given an unknown `kind`), the one error to report: that property and its values.
 */
function discriminator(
  union: ErrorObject,
  inside: ErrorObject[],
  isSecret: SecretTest | undefined,
): { at: string[]; text: string } | undefined {
  const branches = (asObject(union.parentSchema)?.[union.keyword] as unknown[] | undefined)?.length ?? 0;
  const depth = pointerSegments(union.instancePath).length;
  const byBranch = new Map<string, ErrorObject>();
  for (const e of inside) {
    const at = pointerSegments(e.instancePath);
    const single = e.keyword === 'const' || (e.keyword === 'enum' && isDiscriminator(e));
    if (at.length !== depth + 1 || !single) continue;
    byBranch.set(e.schemaPath.slice(union.schemaPath.length + 1).split('/')[0] ?? '', e);
  }
  const found = [...byBranch.values()];
  const first = found[0];
  if (!first || found.length !== branches) return undefined;
  const key = pointerSegments(first.instancePath)[depth];
  if (found.some((e) => pointerSegments(e.instancePath)[depth] !== key)) return undefined;
  const values = found.map((e) => {
    const params = e.params as Record<string, unknown>;
    return e.keyword === 'const' ? params.allowedValue : (params.allowedValues as unknown[])[0];
  });
  const secret = hidden(first, isSecret);
  const hint =
    typeof first.data === 'string' && !secret ? suggest(first.data, values.map(String)) : undefined;
  const shown = secret ? 'got a secret value (not shown)' : `got ${describeValue(first.data)}`;
  return {
    at: pointerSegments(first.instancePath),
    text: `must be ${orList(values.map((v) => JSON.stringify(v)))}, ${shown}${hint ? ` — did you mean "${hint}"?` : ''}`,
  };
}

/** Turns ajv's errors into one plain issue per problem, prefixed with `base` (e.g. `executor_config`). */
export function toIssues(
  errors: readonly ErrorObject[],
  base: string,
  isSecret?: SecretTest,
): ValidationIssue[] {
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, { at: string[]; text: string }>();
  const unions = errors
    .filter((e) => UNION.has(e.keyword))
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    const inside = errors.filter(
      (e) =>
        e !== union &&
        e.schemaPath.startsWith(`${union.schemaPath}/`) &&
        e.instancePath.startsWith(union.instancePath),
    );
    const branch = likelyBranch(union, inside);
    for (const e of inside) if (!branch?.includes(e)) dropped.add(e);
    if (branch) dropped.add(union);
    else {
      const tag = discriminator(union, inside, isSecret);
      if (tag) replaced.set(union, tag);
    }
  }
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    if (dropped.has(error) || error.keyword === 'if') continue;
    const { at, text } = replaced.get(error) ?? message(error, isSecret);
    const issue = { path: joinPath(base, at), message: text };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}
