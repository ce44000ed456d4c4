import type { ValidationIssue } from '../errors';
import { joinPath } from './describe';
import { suggest } from './suggest';

/** `unknown key — did you mean "x"?`, or the known keys when none is close: one wording everywhere. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = suggest(key, known);
  if (hint) return `unknown key — did you mean "${hint}"?`;
  return known.length > 0 && known.length <= 12
    ? `unknown key (known keys: ${known.join(', ')})`
    : 'unknown key';
}

/** What this needs of a zod 4 error, typed structurally so core does not depend on zod. */
export interface ZodLikeError {
  issues: ReadonlyArray<{
    code: string;
    path: ReadonlyArray<PropertyKey>;
    message: string;
    keys?: readonly string[];
  }>;
}

interface ZodNode {
  _zod?: { def?: { type?: string; innerType?: unknown; shape?: Record<string, unknown>; element?: unknown } };
}

/** The keys an object schema knows at `path`, through optional/default/nullable and array wrappers. */
function knownKeys(schema: unknown, path: readonly PropertyKey[]): string[] {
  let node = schema as ZodNode | undefined;
  const unwrap = () => {
    while (node?._zod?.def?.innerType) node = node._zod.def.innerType as ZodNode;
  };
  for (const segment of path) {
    unwrap();
    const def = node?._zod?.def;
    if (def?.type === 'array') node = def.element as ZodNode;
    else if (def?.type === 'object') node = def.shape?.[String(segment)] as ZodNode | undefined;
    else return [];
  }
  unwrap();
  const def = node?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/**
 * A zod error as core's validation issues: paths in core's style under `base`
 * (`executor_config.volumes[0].target`), one issue per unknown key with the same "did you mean" as
 * core's validator (the known keys are read from `schema`, the zod schema that was parsed).
 */
export function zodIssues(error: ZodLikeError, base: string, schema?: unknown): ValidationIssue[] {
  const path = (segments: readonly PropertyKey[]) => joinPath(base, segments.map(String));
  return error.issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code !== 'unrecognized_keys' || !issue.keys)
      return [{ path: path(issue.path), message: issue.message }];
    const known = knownKeys(schema, issue.path);
    return issue.keys.map((key) => ({
      path: path([...issue.path, key]),
      message: unknownKeyMessage(key, known),
    }));
  });
}
