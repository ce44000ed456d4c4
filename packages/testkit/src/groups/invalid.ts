import type { LogEntry, ValidationIssue } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { isOutput, settle } from '../helpers';

const atPath = (issue: ValidationIssue, path: string): boolean =>
  issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`);

function expectValidationError(error: unknown, path: string, message: RegExp | undefined): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error & { code?: unknown; issues?: ValidationIssue[] };
  expect(e.code, `expected a ValidationError, got ${String(error)}`).toBe('VALIDATION');
  expect(Array.isArray(e.issues)).toBe(true);
  const issues = (e.issues ?? []).filter((issue) => atPath(issue, path));
  expect(
    issues.map((i) => i.path),
    `an issue at ${path} among ${JSON.stringify(e.issues)}`,
  ).not.toEqual([]);
  for (const issue of issues)
    expect(typeof issue.message === 'string' && issue.message.length > 0).toBe(true);
  if (message)
    expect(
      issues.some((i) => message.test(i.message)),
      `an issue at ${path} matching ${message}`,
    ).toBe(true);
}

export function invalidGroup(ctx: SuiteContext, skipped: boolean): void {
  const cases = ctx.options.invalidConfigs;
  describe.skipIf(skipped || cases.length === 0)('invalid configs', () => {
    if (cases.length === 0) it.skip('refuses invalid configs (no invalidConfigs given)', () => {});
    for (const { config, path, message, title } of cases) {
      it(
        `refuses ${title ?? path} with a ValidationError at that path, and runs nothing`,
        async () => {
          const work = { ...ctx.options.works.valid, id: 'conformance-invalid', executor_config: config };
          const validated = await settle(ctx.registry.validateWork(work, { dryRun: true }));
          expect(validated.ok, 'validateWork accepted an invalid work').toBe(false);
          if (!validated.ok) expectValidationError(validated.error, path, message);

          const output: LogEntry[] = [];
          const onLog = (entry: LogEntry) => {
            if (isOutput(entry)) output.push(entry);
          };
          const executed = await settle(ctx.registry.execute(work, ctx.workContext(), { onLog }));
          expect(executed.ok, 'execute ran an invalid work').toBe(false);
          if (!executed.ok) expectValidationError(executed.error, path, message);
          expect(output).toEqual([]);
          expect(await ctx.leftovers()).toBe(0);
        },
        ctx.testTimeoutMs,
      );
    }
  });
}
