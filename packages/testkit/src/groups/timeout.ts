import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { expectWellFormedResult } from '../helpers';

export function timeoutGroup(ctx: SuiteContext, skipped: boolean): void {
  describe.skipIf(skipped)('work.timeout', () => {
    it(
      'resolves success:false "timed out" when the work outlives its timeout, and leaves nothing behind',
      async () => {
        const work = { ...ctx.options.works.long, id: 'conformance-timeout', timeout: '1s' };
        const t0 = performance.now();
        const result = await ctx.registry.execute(work, ctx.workContext());
        const elapsed = performance.now() - t0;
        expectWellFormedResult(result);
        expect(result.success).toBe(false);
        expect(result.error).toMatch(/timed out/);
        expect(elapsed).toBeLessThanOrEqual(1000 + ctx.cancelWithinMs);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );
  });
}
