import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { expectWellFormedResult } from '../helpers';

export function runGroup(ctx: SuiteContext, skipped: boolean): void {
  /** Read when a test runs, so a work filled in by a `beforeAll` is seen. */
  const valid = () => ctx.options.works.valid;
  describe.skipIf(skipped)('running a valid work', () => {
    it('registry.validateWork accepts the valid work', async () => {
      await expect(ctx.registry.validateWork(valid())).resolves.toBeUndefined();
    });

    it(
      'succeeds through EnhancedWorkRegistry with a well-formed result and leaves nothing behind',
      async () => {
        const result = await ctx.registry.execute(valid(), ctx.workContext());
        expectWellFormedResult(result);
        expect(result.error, 'the valid work failed').toBeUndefined();
        expect(result.success).toBe(true);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it(
      'runs two valid works at once, each with its own result',
      async () => {
        const [a, b] = await Promise.all([
          ctx.registry.execute({ ...valid(), id: `${valid().id}-a` }, ctx.workContext()),
          ctx.registry.execute({ ...valid(), id: `${valid().id}-b` }, ctx.workContext()),
        ]);
        expectWellFormedResult(a);
        expectWellFormedResult(b);
        expect([a.success, b.success]).toEqual([true, true]);
        expect(a).not.toBe(b);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );
  });
}
