import type { Work } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { collectLogs, expectNoSecret, settle } from '../helpers';

/** Message and stack of an error and of its causes. */
function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  return `${error.message}\n${error.stack ?? ''}\n${errorText(error.cause, depth + 1)}`;
}

async function runAndCheck(ctx: SuiteContext, work: Work, secret: string): Promise<void> {
  const { onLog, entries } = collectLogs();
  const outcome = await settle(ctx.registry.execute(work, ctx.workContext(), { onLog }));
  expectNoSecret(JSON.stringify(entries), secret, 'live logs');
  if (outcome.ok) expectNoSecret(JSON.stringify(outcome.value), secret, 'the result');
  else expectNoSecret(errorText(outcome.error), secret, 'the thrown error');
}

export function secretsGroup(ctx: SuiteContext): void {
  /** Read when a test runs, so a work filled in by a `beforeAll` is seen. */
  const planted = (): { work: Work; secret: string } => {
    const given = ctx.options.works.withSecret;
    if (!given) throw new Error('works.withSecret was removed after the suite was registered');
    return given;
  };
  describe('secrets (writeOnly fields)', () => {
    it(
      'a planted secret appears nowhere in the result, the live logs or a thrown error',
      async () => {
        const { work, secret } = planted();
        await runAndCheck(ctx, work, secret);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it(
      'a planted secret appears nowhere when the work times out',
      async () => {
        const { work, secret } = planted();
        await runAndCheck(ctx, { ...work, id: 'conformance-secret-timeout', timeout: '1ms' }, secret);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it('a planted secret appears nowhere in the ValidationError of an otherwise invalid work', async () => {
      const { work, secret } = planted();
      const invalid = {
        ...work,
        executor_config: { ...work.executor_config, ubom_conformance_unknown_key: secret },
      };
      const outcome = await settle(ctx.registry.validateWork(invalid));
      expect(outcome.ok, 'validateWork accepted an unknown key').toBe(false);
      if (!outcome.ok) {
        expectNoSecret(errorText(outcome.error), secret, 'the ValidationError');
        expectNoSecret(JSON.stringify(outcome.error), secret, 'the serialised ValidationError');
      }
    });
  });
}
