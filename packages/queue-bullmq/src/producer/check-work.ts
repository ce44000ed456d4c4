import {
  type EnhancedWorkRegistry,
  ValidationError,
  type ValidationIssue,
  type Work,
  type WorkContext,
} from '@ubom/core';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shape a queue needs whatever the executor: id, type, an `executor_config` object, a context object. */
export function shapeIssues(work: unknown, context: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!isRecord(work)) return [{ path: 'work', message: 'must be an object' }];
  if (typeof work.id !== 'string' || work.id.length === 0)
    issues.push({ path: 'id', message: 'must be a non-empty string' });
  if (typeof work.type !== 'string' || work.type.length === 0)
    issues.push({ path: 'type', message: 'must be a non-empty string' });
  if (!isRecord(work.executor_config)) issues.push({ path: 'executor_config', message: 'must be an object' });
  if (work.inputs !== undefined && !isRecord(work.inputs))
    issues.push({ path: 'inputs', message: 'must be an object' });
  if (!isRecord(context)) issues.push({ path: 'context', message: 'must be an object' });
  else if (context.runId !== undefined && typeof context.runId !== 'string')
    issues.push({ path: 'context.runId', message: 'must be a string' });
  return issues;
}

/**
 * Before a work reaches Redis: its shape; with a registry, the executor's full validation; and,
 * without a `secretKey`, no secret value (schema `writeOnly`) may travel in clear.
 */
export async function checkWork(
  work: Work,
  context: WorkContext,
  registry: EnhancedWorkRegistry | undefined,
  sealing: boolean,
): Promise<void> {
  const issues = shapeIssues(work, context);
  if (issues.length > 0) throw new ValidationError(issues, { scope: 'queue' });
  if (!registry) return;
  await registry.validateWork(work);
  if (sealing) return;
  const found: ValidationIssue[] = [];
  const { config, inputs } = registry.secretValues(work);
  const say = (n: number): string =>
    `holds ${n === 1 ? 'a secret' : `${n} secrets`} (writeOnly fields): set secretKey on the queue and its workers so the work is encrypted before it reaches Redis`;
  if (config.length > 0) found.push({ path: 'executor_config', message: say(config.length) });
  if (inputs.length > 0) found.push({ path: 'inputs', message: say(inputs.length) });
  if (found.length > 0) throw new ValidationError(found, { scope: 'queue' });
}
