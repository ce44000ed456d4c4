import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnhancedWorkRegistry, UbomError, ValidationError, type Work } from '@ubom/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { IMAGE, newExecutor } from './support/docker';

/*
 * Random executor_configs through registry.validateWork (issue 12, "Tests that stay"): wrong types,
 * huge strings, deep nesting, `__proto__` keys, lone surrogates, NaN/Infinity, extreme durations,
 * hostile mount sources. Never a crash, never a hang; every rejection is a UbomError, and a
 * ValidationError's issues carry paths. No container runs (the dry run only asks about the image).
 */

/** Longer than any case may take, even on a loaded machine: past it the case counts as a hang. */
const BOUND_MS = 15_000;

/** `{ a: { a: … leaf } }`, `depth` levels; fast-check prints it short (its printer would overflow the stack). */
const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  Object.defineProperty(value, fc.toStringMethod, {
    value: () => `nested(${depth}, ${JSON.stringify(leaf)})`,
  });
  return value;
};

/** An object with an own `__proto__` key, as `JSON.parse` makes one. */
const withProto = (value: unknown, proto: unknown): Record<string, unknown> => {
  const out: Record<string, unknown> =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
  Object.defineProperty(out, '__proto__', {
    value: proto,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return out;
};

/** Past every length limit (PATH_MAX, …). */
const BIG = 'x'.repeat(5000);
/** 1 MB: only where no secret is (masking a 1 MB secret costs seconds; the last test has a few). */
const HUGE = 'x'.repeat(1_000_000);
const someStrings = (huge: boolean) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.string() },
    { weight: 5, arbitrary: fc.string({ unit: 'binary' }) }, // lone surrogates included
    {
      weight: 5,
      arbitrary: fc.constantFrom(
        '',
        '\0',
        'a\0b',
        '\uD800',
        'x\uDFFFy',
        BIG,
        `${BIG}\uD800`,
        `/${BIG}`,
        '/',
        '.',
        '..',
      ),
    },
    { weight: huge ? 1 : 0, arbitrary: fc.constantFrom(HUGE, `/${HUGE}\uD800`) },
  );
const strings = someStrings(true);
const secretStrings = someStrings(false);
const durations = fc.oneof(
  fc.constantFrom(
    '9999999999h',
    '597h',
    '596h',
    '595h59m',
    '0ms',
    '1ms',
    '1ns',
    '-1s',
    '1.5h',
    '1e3s',
    '',
    'P1D',
  ),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    -1,
    0.5,
    2 ** 31,
    2 ** 53,
    1e308,
  ),
  fc.integer(),
  fc.double(),
);
const junkOf = (strs: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.oneof(
    strs,
    durations,
    fc.constantFrom(null, true, false, undefined),
    fc.integer({ min: 64, max: 100_000 }).map((depth) => nested(depth, 'deep')),
    fc.anything({ maxDepth: 3, withNullPrototype: true, withSparseArray: true }),
    fc.tuple(strs, strs).map(([v, p]) => withProto({ v }, p)),
  );
const junk = junkOf(strings);
/** Where a value may be a secret (writeOnly): no 1 MB string. */
const secretJunk = junkOf(secretStrings);

const keys = fc.oneof(
  fc.constantFrom(
    'A',
    'TOKEN',
    '_X',
    '1BAD',
    'bad-name',
    '',
    '__proto__',
    'constructor',
    'ubom.managed',
    'PATH',
  ),
  fc.string({ maxLength: 8 }),
);
const dict = (values: fc.Arbitrary<unknown>, other = junk) =>
  fc.oneof(
    fc.dictionary(keys, values, { maxKeys: 4 }),
    fc.tuple(fc.dictionary(keys, values, { maxKeys: 2 }), values).map(([d, p]) => withProto(d, p)),
    other,
  );

let allowed: string; // the folder the plugin config allows (with a symlink out of it)
/** Host paths and volume names, hostile and ordinary. */
const sources = () =>
  fc.oneof(
    fc.constantFrom(
      '/',
      '/etc',
      '/etc/shadow',
      '/proc/self/root',
      '/var/run/docker.sock',
      '/var/lib/docker/..',
      '/tmp/../etc',
      `${allowed}`,
      `${allowed}/`,
      `${allowed}/../etc`,
      `${allowed}/root-link/etc`,
      `${allowed}/root-link/../..`,
      `${allowed}/missing/../../etc`,
      `${allowed}//./x/`,
      'named-volume',
      'bad name',
      './relative',
      `/${'a/'.repeat(3000)}`,
      `/${'../'.repeat(3000)}etc`,
    ),
    strings,
    fc.string({ unit: 'binary' }).map((s) => `/${s}`),
    fc
      .array(fc.constantFrom('..', '.', 'root-link', 'etc', '', 'x'), { maxLength: 12 })
      .map((parts) => `${allowed}/${parts.join('/')}`),
  );
const volume = () =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          source: sources(),
          target: fc.oneof(fc.constantFrom('/data', '/', 'rel', '/data/'), strings),
          read_only: fc.oneof(fc.boolean(), junk),
        },
        { requiredKeys: ['source', 'target'] },
      ),
    },
    { weight: 1, arbitrary: junk },
  );

/** Each key of `executor_config`: mostly plausible values, some garbage. */
const fields = () => ({
  image: fc.oneof(
    { weight: 4, arbitrary: fc.constant(IMAGE) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'busybox:1.36',
        'Not A/Reference',
        'a@sha256:xyz',
        `${'a'.repeat(5000)}:tag`,
        `reg:5000/${'a/'.repeat(2000)}b`,
      ),
    },
    { weight: 1, arbitrary: strings },
    { weight: 1, arbitrary: junk },
  ),
  command: fc.oneof(
    fc.array(strings, { maxLength: 4 }),
    strings,
    fc.constant(['true']),
    fc.constant(`"unterminated 'quote \\`),
    junk,
  ),
  entrypoint: fc.oneof(fc.array(strings, { maxLength: 3 }), strings, junk),
  environment: dict(fc.oneof(strings, junk)),
  secret_environment: dict(fc.oneof(secretStrings, secretJunk), secretJunk),
  volumes: fc.oneof(
    { weight: 3, arbitrary: fc.array(volume(), { maxLength: 4 }) },
    { weight: 1, arbitrary: junk },
  ),
  resources: fc.oneof(
    fc.record(
      {
        cpu_limit: fc.oneof(fc.constantFrom('1.0', '0', '-1', '1e9', '0.000000001'), durations, junk),
        memory_limit: fc.oneof(
          fc.constantFrom('512m', '1k', '5m', '6m', '99999999999g', '1.5g', ''),
          durations,
          junk,
        ),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  working_dir: fc.oneof(fc.constantFrom('/tmp', '/', 'rel', '/a/../..'), strings, junk),
  user: fc.oneof(fc.constantFrom('nobody', '65534:65534', 'root', ':', '0:'), strings, junk),
  network: fc.oneof(fc.constantFrom('none', 'host', 'bridge', 'container:x'), strings, junk),
  pull_policy: fc.oneof(fc.constantFrom('never', 'always', 'if-not-present', 'sometimes'), junk),
  auth: fc.oneof(
    fc.record(
      {
        username: fc.oneof(strings, junk),
        password: fc.oneof(secretStrings, secretJunk),
        token: fc.oneof(secretStrings, secretJunk),
        server_address: fc.oneof(strings, junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
  labels: dict(fc.oneof(strings, junk)),
  stop_grace_period: durations,
  timeout: durations,
  outputs_file: fc.oneof(fc.constantFrom('/tmp/out.json', 'rel.json', '/'), strings, junk),
  keep_container: fc.oneof(fc.boolean(), junk),
});

/** A valid config with up to three fields drawn from `fields()` (mostly plausible, some garbage). */
const nearlyValid = () => {
  const all = fields();
  return fc
    .subarray(Object.keys(all) as (keyof typeof all)[], { maxLength: 3 })
    .chain((chosen) => fc.record(Object.fromEntries(chosen.map((k) => [k, all[k]]))))
    .map((changed) => ({ image: IMAGE, command: ['true'], ...changed }));
};

const config = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: nearlyValid() },
    { weight: 4, arbitrary: fc.record(fields(), { requiredKeys: [] }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(nearlyValid(), fc.dictionary(fc.string(), junk, { maxKeys: 3 }))
        .map(([known, extra]) => ({ ...extra, ...known })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(nearlyValid(), junk).map(([c, p]) => withProto(c, p)),
    },
    { weight: 1, arbitrary: junk },
  );

const work = (executor_config: unknown): Work =>
  ({ id: 'prop', type: 'docker', executor_config }) as unknown as Work;

/** Settles `promise`, or says it hung. */
async function bounded<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${BOUND_MS} ms`)), BOUND_MS);
  });
  try {
    return { ok: true, value: await Promise.race([promise, hang]) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hung for')) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/** A rejection must be a UbomError, never a wrapped crash; a ValidationError's issues carry paths. */
function expectWellFormedRejection(error: unknown): void {
  expect(error, String((error as Error)?.stack ?? error)).toBeInstanceOf(UbomError);
  expect((error as UbomError).code, String((error as Error).stack)).not.toBe('PLUGIN');
  if (!(error instanceof ValidationError)) return;
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.path).toMatch(/^executor_config/);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

let executor: DockerExecutor;
let registry: EnhancedWorkRegistry;
beforeAll(async () => {
  allowed = realpathSync(mkdtempSync(join(tmpdir(), 'ubom-docker-prop-')));
  symlinkSync('/', join(allowed, 'root-link'));
  executor = await newExecutor({ allowed_host_paths: [allowed] });
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('docker', executor);
});
afterAll(async () => {
  await executor.shutdown();
  rmSync(allowed, { recursive: true, force: true });
});

describe('random executor_configs (property)', () => {
  it('validateWork: never a crash nor a hang, rejections are UbomErrors whose issues carry paths', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(config(), async (c) => {
        const outcome = await bounded(registry.validateWork(work(c)));
        if (outcome.ok) valid++;
        else expectWellFormedRejection(outcome.error);
      }),
      { numRuns: 3000 },
    );
    expect(valid).toBeGreaterThan(0); // some got through every check
  }, 300_000);

  it('validateWork with the dry run (asks the engine about the image, runs nothing): the same', async () => {
    await fc.assert(
      fc.asyncProperty(config(), async (c) => {
        const outcome = await bounded(registry.validateWork(work(c), { dryRun: true }));
        if (!outcome.ok) expectWellFormedRejection(outcome.error);
      }),
      { numRuns: 300 },
    );
  }, 300_000);

  it('a refused host path is always reported at its volume source, naming the setting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sources(), { minLength: 1, maxLength: 3 }), async (list) => {
        const volumes = list.map((source, i) => ({ source, target: `/m${i}` }));
        const outcome = await bounded(registry.validateWork(work({ image: IMAGE, volumes })));
        if (outcome.ok) return;
        expectWellFormedRejection(outcome.error);
        for (const issue of (outcome.error as ValidationError).issues) {
          expect(issue.path).toMatch(/^executor_config\.volumes\[\d\]\.source$/);
          if (issue.message.startsWith('mounting'))
            expect(issue.message).toMatch(/allowing it takes .*(allowed_host_paths|allow_dangerous_mounts)/);
        }
      }),
      { numRuns: 1000 },
    );
  }, 300_000);

  it('a 1 MB secret value in an invalid work: a ValidationError, without the value', async () => {
    for (const config of [
      { image: 'Not A/Reference', secret_environment: { A: HUGE } },
      { image: IMAGE, auth: { username: 'u', password: HUGE }, volumes: [{ source: '/etc', target: '/e' }] },
    ]) {
      const outcome = await bounded(registry.validateWork(work(config)));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expectWellFormedRejection(outcome.error);
      expect((outcome.error as Error).message).not.toContain(HUGE.slice(0, 100));
    }
  }, 120_000);
});
