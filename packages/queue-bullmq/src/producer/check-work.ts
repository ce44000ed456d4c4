import {
  compileSecretExtractor,
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
  const secrets = compileSecretExtractor(registry.getSchema(work.type).config)?.(work.executor_config) ?? [];
  if (secrets.length > 0) {
    throw ValidationError.single(
      'executor_config',
      `holds ${secrets.length === 1 ? 'a secret' : `${secrets.length} secrets`} (writeOnly fields): set secretKey on the queue and its workers so executor_config is encrypted before it reaches Redis`,
      { scope: 'queue' },
    );
  }
}
