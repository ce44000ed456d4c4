import { suggest, ValidationError, type ValidationIssue, type Work } from '@ubom/core';
import type { z } from 'zod';
import { type DockerConfig, dockerConfigSchema } from './config';

const SCOPE = { scope: 'docker' };

/** `base.a[0].b`, the path style of core's validator. */
export function joinPath(base: string, segments: readonly PropertyKey[]): string {
  let path = base;
  for (const s of segments) {
    if (typeof s === 'number') path += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(s))) path += `.${String(s)}`;
    else path += `[${JSON.stringify(String(s))}]`;
  }
  return path;
}

interface ZodInternals {
  _zod: { def: { type: string; innerType?: unknown; shape?: Record<string, unknown>; element?: unknown } };
}

/** The keys an object schema knows at `path` (through optional, default and array wrappers). */
function knownKeys(schema: unknown, path: readonly PropertyKey[]): string[] {
  let node = schema as ZodInternals | undefined;
  const unwrap = () => {
    while (node?._zod.def.innerType) node = node._zod.def.innerType as ZodInternals;
  };
  for (const segment of path) {
    unwrap();
    const def = node?._zod.def;
    if (def?.type === 'array') node = def.element as ZodInternals;
    else if (def?.type === 'object') node = def.shape?.[String(segment)] as ZodInternals | undefined;
    else return [];
  }
  unwrap();
  return node?._zod.def.type === 'object' ? Object.keys(node._zod.def.shape ?? {}) : [];
}

/** Every zod issue as a core `ValidationIssue`, unknown keys with a "did you mean" hint. */
export function issuesOf(
  error: z.ZodError,
  base: string,
  schema: unknown = dockerConfigSchema,
): ValidationIssue[] {
  return error.issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code !== 'unrecognized_keys')
      return [{ path: joinPath(base, issue.path), message: issue.message }];
    const known = knownKeys(schema, issue.path);
    return issue.keys.map((key) => {
      const hint = suggest(key, known);
      return {
        path: joinPath(base, [...issue.path, key]),
        message: hint ? `unknown key — did you mean "${hint}"?` : 'unknown key',
      };
    });
  });
}

/** Parses `executor_config` (defaults applied). Throws `ValidationError` with every problem. */
export function parseConfig(work: Work): DockerConfig {
  const parsed = dockerConfigSchema.safeParse(work.executor_config);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error, 'executor_config'), SCOPE);
  return parsed.data;
}
