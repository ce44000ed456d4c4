import type { ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors';
import type { JSONSchema } from '../types';
import { createAjv } from '../validation/ajv';
import { joinPath } from '../validation/describe';
import { toIssues } from '../validation/issues';
import { mergeNearMisses } from '../validation/near-miss';
import { unknownKeyMessage } from '../validation/unknown-key';

type Segment = PropertyKey | { readonly key: PropertyKey };

/** An issue as a Standard Schema library reports it (zod adds `code` and, for unknown keys, `keys`). */
interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<Segment> | undefined;
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/**
 * A schema library's object that validates and also emits JSON Schema: the Standard Schema and
 * Standard JSON Schema interfaces, which zod 4 (and valibot, arktype through adapters) implement.
 * Core depends on none of them.
 */
export interface StandardConfigSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    readonly jsonSchema: {
      readonly input: (options: { readonly target: 'draft-2020-12' }) => Record<string, unknown>;
    };
  };
}

/** A config schema: a Standard Schema (zod…) or a plain JSON Schema object (draft 2020-12). */
export type ConfigSchema = StandardConfigSchema | { readonly [key: string]: unknown };

/** What `run` receives once the config is parsed: the schema library's output type, or a plain record. */
export type ConfigOf<S> = S extends StandardConfigSchema<unknown, infer O> ? O : Record<string, unknown>;
/** The `executor_config` keys every kernel executor accepts (the kernel adds them to each schema). */
// a type, not an interface: config input types stay assignable to Record<string, unknown>
export type KernelConfigKeys = {
  /** Stop the work after this long (`"30s"`, or ms). */
  timeout?: string | number;
  /** Hand the W3C trace context to the work (default true). */
  propagate_trace?: boolean;
};

/** What a user writes (defaults still optional), with the keys every kernel executor accepts. */
export type ConfigInputOf<S> = (S extends StandardConfigSchema<infer I, unknown>
  ? I
  : Record<string, unknown>) &
  KernelConfigKeys;

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** A config schema compiled once: its JSON Schema and a parse that reports issues in core's path style. */
export interface CompiledSchema<T> {
  readonly json: Record<string, unknown>;
  parse(raw: unknown, base: string): Parsed<T> | Promise<Parsed<T>>;
}

const isStandard = (schema: unknown): schema is StandardConfigSchema =>
  typeof schema === 'object' &&
  schema !== null &&
  typeof (schema as Partial<StandardConfigSchema>)['~standard']?.validate === 'function';

/**
 * Compiles a config schema once. `published` turns its JSON Schema into the one the plugin publishes
 * (the kernel adds `timeout`); "did you mean" hints are taken from that one.
 */
export function compileSchema<T>(
  schema: ConfigSchema,
  published: (json: Record<string, unknown>) => Record<string, unknown> = (json) => json,
): CompiledSchema<T> {
  if (isStandard(schema)) {
    const standard = schema['~standard'];
    const json = published(standard.jsonSchema.input({ target: 'draft-2020-12' }));
    const settle = (result: StandardResult<unknown>, base: string): Parsed<T> =>
      result.issues
        ? { ok: false, issues: mergeNearMisses(standardIssues(result.issues, base, json)) }
        : { ok: true, value: result.value as T };
    return {
      json,
      parse(raw, base) {
        const result = standard.validate(raw);
        return result instanceof Promise ? result.then((r) => settle(r, base)) : settle(result, base);
      },
    };
  }
  const own = schema as Record<string, unknown>;
  let check: ValidateFunction | undefined;
  return {
    json: published(own),
    parse(raw, base) {
      check ??= createAjv().compile(own);
      return check(raw)
        ? { ok: true, value: raw as T }
        : { ok: false, issues: toIssues(check.errors ?? [], base) };
    },
  };
}

/** Standard Schema issues as core's: joined paths, and one "did you mean" issue per unknown key. */
function standardIssues(
  issues: ReadonlyArray<StandardIssue>,
  base: string,
  json: JSONSchema,
): ValidationIssue[] {
  return issues.flatMap((issue): ValidationIssue[] => {
    const segments = (issue.path ?? []).map((s) => String(typeof s === 'object' ? s.key : s));
    const { code, keys } = issue as { code?: unknown; keys?: unknown };
    if (code !== 'unrecognized_keys' || !Array.isArray(keys))
      return [{ path: joinPath(base, segments), message: issue.message }];
    const known = knownKeys(json, segments);
    return keys.map((key) => ({
      path: joinPath(base, [...segments, String(key)]),
      message: unknownKeyMessage(String(key), known),
    }));
  });
}

type Node = { [key: string]: unknown };
const asNode = (v: unknown): Node | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : undefined;

/** The property names a JSON Schema allows at `path` (through `$ref`, unions and arrays). */
export function knownKeys(root: JSONSchema, path: readonly string[]): string[] {
  const resolve = (node: Node | undefined): Node[] => {
    if (!node) return [];
    const ref = typeof node.$ref === 'string' ? node.$ref : undefined;
    if (ref?.startsWith('#/')) {
      let target: unknown = root;
      for (const part of ref.slice(2).split('/')) target = asNode(target)?.[part];
      return resolve(asNode(target));
    }
    const branches = [node.anyOf, node.oneOf, node.allOf].flatMap((b) => (Array.isArray(b) ? b : []));
    return [node, ...branches.flatMap((b) => resolve(asNode(b)))];
  };
  let nodes = resolve(asNode(root));
  for (const segment of path) {
    nodes = nodes.flatMap((node) => {
      const inProperties = asNode(node.properties)?.[segment];
      if (inProperties !== undefined) return resolve(asNode(inProperties));
      if (/^\d+$/.test(segment)) return resolve(asNode(node.items));
      return resolve(asNode(node.additionalProperties));
    });
  }
  return [...new Set(nodes.flatMap((node) => Object.keys(asNode(node.properties) ?? {})))];
}
