import { compileSecretExtractor, ValidationError, zodIssues } from '@ubom/core';
import { type ServerlessConfig, serverlessConfigJsonSchema, serverlessConfigSchema } from './config';

const scope = 'serverless';
const KEPT = 256;

/**
 * Parsed configs by their content. Works that repeat the same `executor_config` (a schedule, a retry, a
 * fan-out) skip the zod parse. Only plain JSON data is keyed by its text (so two configs share an entry
 * only when zod would see them alike), and only valid configs are kept.
 */
const parsed = new Map<string, ServerlessConfig>();
const secretValues = new WeakMap<ServerlessConfig, string[]>();
const extractSecrets = compileSecretExtractor(serverlessConfigJsonSchema);

/** True when `value` is plain JSON data (what JSON.stringify keeps exactly), checked without copying. */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** `executor_config` checked with the zod schema (cross-field rules included); throws `ValidationError`. */
export function parseConfig(raw: unknown): ServerlessConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw ValidationError.single('executor_config', 'must be an object', { scope });
  }
  // only plain JSON data is cached by its text: anything else (undefined, functions, NaN, cycles…) goes to zod
  const key = isPlainJson(raw) ? JSON.stringify(raw) : undefined;
  const hit = key === undefined ? undefined : parsed.get(key);
  if (hit) return hit;
  const result = serverlessConfigSchema.safeParse(raw);
  if (!result.success)
    throw new ValidationError(zodIssues(result.error, 'executor_config', serverlessConfigSchema), { scope });
  if (key !== undefined) {
    if (parsed.size >= KEPT) {
      const oldest = parsed.keys().next().value;
      if (oldest !== undefined) parsed.delete(oldest);
    }
    parsed.set(key, result.data);
  }
  return result.data;
}

/** The `writeOnly` values of a parsed config (found through its JSON Schema), computed once per config. */
export function configSecrets(config: ServerlessConfig): string[] {
  let values = secretValues.get(config);
  if (!values) {
    values = extractSecrets?.(config) ?? [];
    secretValues.set(config, values);
  }
  return values;
}
