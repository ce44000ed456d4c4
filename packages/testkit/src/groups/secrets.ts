import type { LogEntry, Work } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';
import { collectLogs, expectNoSecret, settle } from '../helpers';

/** Message and stack of an error and of its causes. */
function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  return `${error.message}\n${error.stack ?? ''}\n${errorText(error.cause, depth + 1)}`;
}

type Execute = (work: Work, onLog: (entry: LogEntry) => void) => Promise<unknown>;

async function runAndCheck(execute: Execute, work: Work, secrets: readonly string[]): Promise<void> {
  const { onLog, entries } = collectLogs();
  const outcome = await settle(execute(work, onLog));
  for (const secret of secrets) {
    expectNoSecret(JSON.stringify(entries), secret, 'live logs');
    if (outcome.ok) expectNoSecret(JSON.stringify(outcome.value), secret, 'the result');
    else expectNoSecret(errorText(outcome.error), secret, 'the thrown error');
  }
}

export function secretsGroup(ctx: SuiteContext, skipped: boolean): void {
  /** Read when a test runs, so a work filled in by a `beforeAll` is seen. */
  const planted = (): { work: Work; secrets: string[] } => {
    const given = ctx.options.works.withSecret;
    if (!given) throw new Error('works.withSecret was removed after the suite was registered');
    return { work: given.work, secrets: [given.secret, ...(given.derived ?? [])] };
  };
  const viaRegistry: Execute = (work, onLog) => ctx.registry.execute(work, ctx.workContext(), { onLog });
  // the registry masks whatever an executor returns: called directly, the executor must mask on its own
  const direct: Execute = (work, onLog) => ctx.executor.execute(work, ctx.workContext(), { onLog });
  describe.skipIf(skipped)('secrets (writeOnly fields)', () => {
    it(
      'a planted secret appears nowhere in the result, the live logs or a thrown error',
      async () => {
        const { work, secrets } = planted();
        await runAndCheck(viaRegistry, work, secrets);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it(
      'the executor masks the planted secret itself when called directly, without the registry',
      async () => {
        const { work, secrets } = planted();
        await runAndCheck(direct, { ...work, id: 'conformance-secret-direct' }, secrets);
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it(
      'a planted secret appears nowhere when the work times out',
      async () => {
        const { work, secrets } = planted();
        await runAndCheck(
          viaRegistry,
          { ...work, id: 'conformance-secret-timeout', timeout: '1ms' },
          secrets,
        );
        expect(await ctx.leftovers()).toBe(0);
      },
      ctx.testTimeoutMs,
    );

    it('a planted secret appears nowhere in the ValidationError of an otherwise invalid work', async () => {
      const { work, secrets } = planted();
      const [secret] = secrets as [string];
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
