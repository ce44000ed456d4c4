import { ValidationError, type Work } from '@ubom/core';
import {
  bounded,
  expectWellFormedRejection,
  extremeDurations,
  hostileConfigs,
  hostileKeys,
  hostileRecord,
  hostileStrings,
  junk as junkOf,
  nested,
  withProto,
} from '@ubom/testkit/property';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registry } from './support/run';

const work = (executor_config: unknown): Work =>
  ({ id: 'prop', type: 'process', executor_config }) as unknown as Work;

/** Over Linux's 128 KiB per argument or variable (E2BIG). */
const HUGE = 'x'.repeat(200_000);
const strings = hostileStrings({ huge: false });
/**
 * With huge ones, where they are not secrets (a huge secret costs core's masker seconds to compile,
 * which the core's own tests cover).
 */
const bigStrings = hostileStrings({ extra: [HUGE, `${HUGE}\uD800`] });
const durations = extremeDurations();
const junk = junkOf(bigStrings);
const smallJunk = junkOf(strings);

const envNames = hostileKeys(['LC_ALL', 'PATH']);
const env = (values: fc.Arbitrary<string>, garbage: fc.Arbitrary<unknown>) =>
  hostileRecord(fc.oneof(values, garbage), { keys: envNames, other: garbage });

/** Values each key of `executor_config` accepts (some of them fail to start: a missing cwd or shell). */
const valid = {
  shell: fc.oneof(fc.boolean(), fc.constantFrom('/bin/sh', '/no/such/shell')),
  cwd: fc.constantFrom('/tmp', '/', '.', '/no/such/dir', '/etc/passwd', `/${'d'.repeat(5000)}`),
  environment: fc.dictionary(fc.constantFrom('A', 'TOKEN', '_X', 'LC_ALL', 'PATH'), fc.string(), {
    maxKeys: 3,
  }),
  secret_environment: fc.dictionary(fc.constantFrom('S', 'TOKEN'), fc.string({ unit: 'binary' }), {
    maxKeys: 2,
  }),
  inherit_env: fc.oneof(fc.boolean(), fc.array(fc.constantFrom('PATH', 'LC_*', 'HOME'), { maxLength: 3 })),
  timeout: fc.constantFrom('596h', '0ms', '1ms', '1ns', '1.5h', 0, 1, 2 ** 31 - 1),
  kill_grace_period: fc.constantFrom('596h', '0ms', '1ms', '100ms', 0, 2 ** 31 - 1),
  output: fc.constantFrom('text', 'json'),
  stdin: fc.oneof(fc.string({ unit: 'binary' }), fc.constant(HUGE)),
};

/** Each key of `executor_config`: plausible values and garbage. */
const fields = {
  command: fc.oneof(fc.array(bigStrings, { maxLength: 4 }), bigStrings, fc.constant(['true']), junk),
  shell: fc.oneof(valid.shell, junk),
  cwd: fc.oneof(valid.cwd, junk),
  environment: fc.oneof(valid.environment, env(bigStrings, junk)),
  secret_environment: fc.oneof(valid.secret_environment, env(strings, smallJunk)),
  inherit_env: fc.oneof(
    valid.inherit_env,
    fc.array(fc.constantFrom('bad-name', '*', ''), { minLength: 1 }),
    junk,
  ),
  timeout: fc.oneof(valid.timeout, durations),
  kill_grace_period: fc.oneof(valid.kill_grace_period, durations),
  output: fc.oneof(valid.output, fc.constantFrom('JSON', ''), junk),
  stdin: fc.oneof(valid.stdin, bigStrings, junk),
};

/** A runnable config (`command: ["true"]`), sometimes with one key made wrong. */
const runnable: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(valid, { requiredKeys: [] }),
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...(Object.keys(fields) as Array<keyof typeof fields>)) },
    ),
    fc.record(fields),
  )
  .map(([base, wrong, bad]) => ({ ...base, ...(wrong ? { [wrong]: bad[wrong] } : {}), command: ['true'] }));

/** Any subset of the keys, or `command: ["true"]` with up to three keys changed; unknown and `__proto__` keys; junk. */
const config = hostileConfigs(fields, { command: ['true'] });

describe('random executor_configs (property)', () => {
  it('validateWork, with and without the dry run: never a crash nor a hang, rejections carry paths', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.boolean(), async (c, dryRun) => {
        const outcome = await bounded(registry.validateWork(work(c), { dryRun }));
        if (!outcome.ok) expectWellFormedRejection(outcome.error);
      }),
      {
        numRuns: Number(process.env.PROP_RUNS ?? 2500),
        examples: [
          [{ command: ['a\0b'], environment: { A: '\0' }, secret_environment: { S: 'x\0' } }, false],
          [{ command: [HUGE], cwd: HUGE, shell: HUGE }, true],
          [{ command: ['\uD800'], kill_grace_period: '9999999999h', timeout: Number.NaN }, true],
          [withProto({ command: ['true'] }, { command: 1 }), true],
          [{ command: ['true'], environment: nested(10_000, 'x') }, false],
        ],
      },
    );
  }, 300_000);

  it('execute with `command: ["true"]`: a WorkResult or a well-formed rejection, never a crash nor a hang', async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(runnable, async (c) => {
        const outcome = await bounded(registry.execute(work(c)));
        if (!outcome.ok) return expectWellFormedRejection(outcome.error);
        ran++;
        expect(typeof outcome.value.success).toBe('boolean');
        if (!outcome.value.success)
          expect(outcome.value.error).toMatch(
            /^(timed out|the command exited|the command was killed|output is "json")/,
          );
      }),
      {
        numRuns: Number(process.env.PROP_EXEC_RUNS ?? 300),
        examples: [
          [{ command: ['true'], environment: { A: HUGE } }], // E2BIG
          [{ command: ['true'], cwd: `/${'d'.repeat(5000)}` }], // ENAMETOOLONG
          [{ command: ['true'], stdin: HUGE, timeout: '1ms', kill_grace_period: '596h' }],
          [{ command: ['true'], shell: '\uD800' }],
        ],
      },
    );
    expect(ran).toBeGreaterThan(10); // some of them got as far as a process
  }, 300_000);

  it('refuses NUL characters in what reaches the system as a C string, each at its path', async () => {
    const outcome = await bounded(
      registry.validateWork(
        work({
          command: ['ls', 'a\0b'],
          cwd: '/\0',
          environment: { A: '\0' },
          secret_environment: { S: 'x\0y' },
        }),
      ),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(ValidationError);
    const paths = (outcome.error as ValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'executor_config.command[1]',
      'executor_config.cwd',
      'executor_config.environment.A',
      'executor_config.secret_environment.S',
    ]);
    expect(String((outcome.error as ValidationError).issues[0]?.message)).toMatch(/NUL/);
  });

  it('arguments or variables over the system limit (E2BIG) reject, not retryable; a too long cwd is a ValidationError', async () => {
    const big = await bounded(registry.execute(work({ command: ['true'], environment: { A: HUGE } })));
    expect(big.ok).toBe(false);
    if (!big.ok) {
      expect(big.error).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
      expect(String((big.error as Error).message)).toMatch(/too long/);
    }
    const long = await bounded(registry.execute(work({ command: ['true'], cwd: `/${'d'.repeat(5000)}` })));
    expect(long.ok).toBe(false);
    if (!long.ok) {
      expect(long.error).toBeInstanceOf(ValidationError);
      expect((long.error as ValidationError).issues[0]?.path).toBe('executor_config.cwd');
    }
  });
});
