import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { isAbortError, settle } from '../helpers';
import { startedOrAfter } from './started';

export function shutdownGroup(ctx: SuiteContext, skipped: boolean): void {
  describe.skipIf(skipped)('shutdown (capabilities.cancel)', () => {
    it(
      'shutdown() aborts the works still running and resolves only once they have settled, leaving nothing behind',
      async () => {
        const { onLog, started } = startedOrAfter(ctx.cancelAfterMs);
        let settled = false;
        const running = settle(
          ctx.executor.execute({ ...ctx.options.works.long, id: 'conformance-shutdown' }, ctx.workContext(), {
            onLog,
          }),
        ).finally(() => {
          settled = true;
        });
        await started;
        const t0 = performance.now();
        await (ctx.executor as unknown as { shutdown(): Promise<void> }).shutdown();
        const elapsed = performance.now() - t0;
        expect(settled, 'shutdown() resolved while a work was still running').toBe(true);
        const outcome = await running;
        expect(outcome.ok, 'the running work resolved although the executor shut down').toBe(false);
        if (!outcome.ok)
          expect(isAbortError(outcome.error), `expected an AbortError, got ${String(outcome.error)}`).toBe(
            true,
          );
        expect(elapsed).toBeLessThanOrEqual(ctx.cancelWithinMs);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );
  });
}
