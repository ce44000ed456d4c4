import type { LogEntry, ValidationIssue } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { isOutput, settle } from '../helpers';
import type { InvalidConfigCase } from '../types';

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

/**
 * Two cases every executor must refuse, whatever its schema: a config that is not an object, and a
 * misspelt key beside a valid config (DESIGN: unknown keys are errors with a "did you mean" hint).
 * Built when the test runs, so a `works.valid` filled in a `beforeAll` is the one used.
 */
const genericCases: Record<string, (valid: Record<string, unknown>) => InvalidConfigCase> = {
  'a config that is not an object': () => ({ config: [] as never, path: 'executor_config' }),
  'a misspelt key beside a valid config': (valid) => {
    const key = Object.keys(valid).find((k) => /^[a-z][a-z0-9_]*$/i.test(k));
    const typo = key ? `${key}x` : 'ubom_conformance_unknown_key';
    return {
      config: { ...valid, [typo]: true },
      path: `executor_config.${typo}`,
      message: key ? new RegExp(`did you mean "${key}"`) : /unknown key/,
    };
  },
};

export function invalidGroup(ctx: SuiteContext, skipped: boolean): void {
  const refuses = (title: string, build: () => InvalidConfigCase) =>
    it(
      `refuses ${title} with a ValidationError at that path, and runs nothing`,
      async () => {
        const { config, path, message } = build();
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

  describe.skipIf(skipped)('invalid configs', () => {
    for (const [title, build] of Object.entries(genericCases))
      refuses(title, () => build(ctx.options.works.valid.executor_config));
    for (const given of ctx.options.invalidConfigs) refuses(given.title ?? given.path, () => given);
  });
}
