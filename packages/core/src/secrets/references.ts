import { ValidationError, type ValidationIssue } from '../errors';
import type { Work } from '../types';
import { MAX_DEPTH } from '../validation/bounds';
import { joinPath } from '../validation/describe';
import type { SecretProvider } from './providers';

/** A secret's name: letters, digits, `_`, `-` and `.` (never a path). */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** `{ "$secret": "NAME" }` found in a work, with where it sits. */
export interface SecretReference {
  path: string;
  keys: string[];
  name: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isReference = (v: unknown): v is { $secret: unknown } =>
  isRecord(v) && Object.hasOwn(v, '$secret') && Object.keys(v).length === 1;

/** Whether a work holds a secret reference (stops at the first one; allocates nothing on the way). */
export function hasSecretReference(work: Work): boolean {
  if (typeof work !== 'object' || work === null) return false;
  return holdsReference(work.executor_config, 0) || holdsReference(work.inputs, 0);
}

function holdsReference(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return false;
  if (isReference(value)) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsReference(item, depth + 1)) return true;
    return false;
  }
  for (const key in value)
    if (Object.hasOwn(value, key) && holdsReference((value as Record<string, unknown>)[key], depth + 1))
      return true;
  return false;
}

/** Every secret reference in a work's `executor_config` and `inputs` (bounded depth, no recursion). */
export function findSecretReferences(work: Work): SecretReference[] {
  const found: SecretReference[] = [];
  const stack: Array<{ value: unknown; keys: string[] }> = [];
  for (const top of ['executor_config', 'inputs'] as const)
    if (isRecord(work[top])) stack.push({ value: work[top], keys: [top] });
  while (stack.length > 0) {
    const { value, keys } = stack.pop() as { value: unknown; keys: string[] };
    if (isReference(value)) {
      found.push({ path: joinPath('', keys), keys, name: String(value.$secret) });
      continue;
    }
    if (keys.length > MAX_DEPTH || value === null || typeof value !== 'object') continue;
    for (const [key, v] of Object.entries(value))
      if (typeof v === 'object') stack.push({ value: v, keys: [...keys, key] });
  }
  return found;
}

/** A copy of `work` with each reference replaced by its value (copies only along the way). */
export function substituteSecrets(
  work: Work,
  refs: readonly SecretReference[],
  values: readonly string[],
): Work {
  const copy = { ...work } as Record<string, unknown>;
  refs.forEach((ref, i) => {
    let node = copy;
    ref.keys.forEach((key, depth) => {
      if (depth === ref.keys.length - 1) {
        node[key] = values[i];
        return;
      }
      const next = node[key] as Record<string, unknown> | unknown[];
      node[key] = Array.isArray(next) ? [...next] : { ...next };
      node = node[key] as Record<string, unknown>;
    });
  });
  return copy as unknown as Work;
}

/** What a reference stands for while it is not resolved (validation, the queue's producer). */
export const placeholderOf = (name: string): string => `$secret:${name}`;

/** Resolves every reference through the providers, in order; all problems at once. */
export async function resolveSecretReferences(
  refs: readonly SecretReference[],
  providers: readonly SecretProvider[],
  signal?: AbortSignal,
): Promise<string[]> {
  const issues: ValidationIssue[] = [];
  const values = await Promise.all(
    refs.map(async (ref) => {
      if (!SECRET_NAME_PATTERN.test(ref.name)) {
        issues.push({ path: ref.path, message: '"$secret" must name a secret: letters, digits, _, - and .' });
        return '';
      }
      for (const provider of providers) {
        const value = await provider.resolve(ref.name, signal);
        if (value !== undefined) return value;
      }
      const tried = providers.map((p) => p.describe(ref.name)).join(', ');
      issues.push({
        path: ref.path,
        message: `secret "${ref.name}" was not found (${tried ? `tried ${tried}` : 'no secret providers are configured'})`,
      });
      return '';
    }),
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return values;
}
