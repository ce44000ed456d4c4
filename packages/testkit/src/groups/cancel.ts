import type { LogEntry } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { isAbortError, isOutput, settle } from '../helpers';
import { startedOrAfter } from './started';

export function cancelGroup(ctx: SuiteContext, skipped: boolean): void {
  const long = () => ctx.options.works.long;
  describe.skipIf(skipped)('cancellation (capabilities.cancel)', () => {
    it(
      'rejects with AbortError when the signal aborts mid-run, settles within the bound, and leaves nothing behind',
      async () => {
        const controller = new AbortController();
        const { onLog, started } = startedOrAfter(ctx.cancelAfterMs);
        const running = settle(
          ctx.registry.execute(long(), ctx.workContext(), { signal: controller.signal, onLog }),
        );
        await started;
        const abortedAt = performance.now();
        controller.abort();
        const outcome = await running;
        const settleMs = performance.now() - abortedAt;
        expect(outcome.ok, 'the long work resolved although it was cancelled').toBe(false);
        if (!outcome.ok)
          expect(isAbortError(outcome.error), `expected an AbortError, got ${String(outcome.error)}`).toBe(
            true,
          );
        expect(settleMs).toBeLessThanOrEqual(ctx.cancelWithinMs);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it(
      'rejects with AbortError without starting anything when the signal is already aborted',
      async () => {
        const output: LogEntry[] = [];
        const outcome = await settle(
          ctx.registry.execute(long(), ctx.workContext(), {
            signal: AbortSignal.abort(),
            onLog: (entry) => {
              if (isOutput(entry)) output.push(entry);
            },
          }),
        );
        expect(outcome.ok).toBe(false);
        if (!outcome.ok)
          expect(isAbortError(outcome.error), `expected an AbortError, got ${String(outcome.error)}`).toBe(
            true,
          );
        expect(output).toEqual([]);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );
  });
}
