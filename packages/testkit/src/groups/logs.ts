import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { collectLogs, expectWellFormedLogs, expectWellFormedResult } from '../helpers';

export function logsGroup(ctx: SuiteContext, skipped: boolean): void {
  const valid = () => ctx.options.works.valid;
  const { expectedLines } = ctx.options.works;
  describe.skipIf(skipped)('live logs (capabilities.streamLogs)', () => {
    it(
      'onLog receives well-formed entries in order, each before execute resolves',
      async () => {
        const { onLog, entries } = collectLogs();
        let settled = false;
        let lateEntries = 0;
        const result = await ctx.registry.execute(valid(), ctx.workContext(), {
          onLog: (entry) => {
            if (settled) lateEntries++;
            onLog(entry);
          },
        });
        settled = true;
        expectWellFormedResult(result);
        expectWellFormedLogs(entries);
        const unnumbered = entries.findIndex((e) => !Number.isInteger(e.seq));
        expect(unnumbered, `streamed entry ${unnumbered} has no seq (consumers detect gaps by it)`).toBe(-1);
        expect(lateEntries, 'entries delivered after execute resolved').toBe(0);
        if (expectedLines) {
          expect(entries.filter((e) => e.source === 'stdout').map((e) => e.message)).toEqual(expectedLines);
        }
        // what the result keeps is a tail of what was streamed, same entries, same order
        const streamed = new Map(entries.map((e) => [e.seq, e.message]));
        for (const kept of result.logs.filter((e) => e.seq !== undefined)) {
          expect(streamed.get(kept.seq), `result.logs entry seq ${kept.seq} was streamed`).toBe(kept.message);
        }
      },
      ctx.testTimeoutMs,
    );

    if (expectedLines) {
      it(
        'result.logs keeps the printed lines in order',
        async () => {
          const result = await ctx.registry.execute(valid(), ctx.workContext());
          expectWellFormedResult(result);
          expect(result.logs.filter((e) => e.source === 'stdout').map((e) => e.message)).toEqual(
            expectedLines,
          );
        },
        ctx.testTimeoutMs,
      );
    }
  });
}
