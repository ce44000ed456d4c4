import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnhancedWorkRegistry, SchemaValidator, UbomError, ValidationError, type Work } from '../src';
import { dockerSchema, FakeExecutor, rejection, thrown } from './helpers';

const validator = new SchemaValidator();
validator.registerSchema('docker', dockerSchema);

/** Deep garbage: every kind of value fast-check knows, nested. */
const garbage = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

const notA = (...types: string[]) =>
  garbage.filter((x) => x !== undefined && !types.includes(Array.isArray(x) ? 'array' : typeof x));

const baseWork = (): Record<string, unknown> => ({
  id: 'w-1',
  type: 'docker',
  name: 'hello',
  executor_config: {
    image: 'busybox',
    command: ['echo', 'hi'],
    restart: 'always',
    resources: { memory_limit: '512m', cpu_limit: 1 },
    ports: [{ container: 80, host: 8080 }],
    environment: { A: 'x' },
    auth: { kind: 'token', token: 'tok-123456' },
  },
  inputs: {},
  timeout: '30s',
  labels: { team: 'core' },
});

type Segment = string | number;

interface Target {
  path: Segment[];
  /** Values this place refuses. */
  wrong: fc.Arbitrary<unknown>;
  required?: boolean;
  /** Known keys when the place is an object that refuses unknown ones. */
  keys?: string[];
}

const targets: Target[] = [
  { path: ['id'], wrong: fc.oneof(notA('string'), fc.constant('')), required: true },
  { path: ['name'], wrong: notA('string') },
  {
    path: ['timeout'],
    wrong: fc.oneof(
      notA('string', 'number'),
      fc.string().filter((s) => !/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s)),
      fc.double({ max: -0.001, noNaN: true }),
    ),
  },
  { path: ['labels', 'team'], wrong: notA('string') },
  {
    path: ['executor_config'],
    wrong: notA('object'),
    keys: ['image', 'command', 'restart', 'resources', 'ports', 'environment', 'auth', 'registry_password'],
  },
  { path: ['executor_config', 'image'], wrong: fc.oneof(notA('string'), fc.constant('')), required: true },
  { path: ['executor_config', 'command'], wrong: notA('string', 'array') },
  { path: ['executor_config', 'command', 0], wrong: notA('string') },
  {
    path: ['executor_config', 'restart'],
    wrong: garbage.filter((x) => x !== undefined && !['always', 'never', 'on-failure'].includes(x as string)),
  },
  { path: ['executor_config', 'resources'], wrong: notA('object'), keys: ['memory_limit', 'cpu_limit'] },
  {
    path: ['executor_config', 'resources', 'memory_limit'],
    wrong: fc.oneof(
      notA('string'),
      fc.string().filter((s) => !/^[0-9]+[kmg]$/.test(s)),
    ),
    required: true,
  },
  {
    path: ['executor_config', 'resources', 'cpu_limit'],
    wrong: fc.oneof(notA('number'), fc.double({ max: 0, noNaN: true })),
  },
  { path: ['executor_config', 'ports'], wrong: notA('array') },
  { path: ['executor_config', 'ports', 0], wrong: notA('object'), keys: ['container', 'host'] },
  { path: ['executor_config', 'ports', 0, 'container'], wrong: notA('number'), required: true },
  { path: ['executor_config', 'environment', 'A'], wrong: notA('string') },
  { path: ['executor_config', 'auth', 'token'], wrong: notA('string'), required: true },
];

type Mutation =
  | { kind: 'drop'; target: Target }
  | { kind: 'wrong'; target: Target; value: unknown }
  | { kind: 'extra'; target: Target; key: string };

const mutationOf = (target: Target): fc.Arbitrary<Mutation> => {
  const options: fc.Arbitrary<Mutation>[] = [target.wrong.map((value) => ({ kind: 'wrong', target, value }))];
  if (target.required) options.push(fc.constant({ kind: 'drop', target }));
  if (target.keys) {
    const known = target.keys;
    options.push(
      fc
        .stringMatching(/^[a-z][a-z0-9_]{0,11}$/)
        .filter((key) => !known.includes(key))
        .map((key) => ({ kind: 'extra', target, key })),
    );
  }
  return fc.oneof(...options);
};

const isPrefix = (a: Segment[], b: Segment[]) => a.length < b.length && a.every((s, i) => s === b[i]);

/** One or more mutations on places none of which contains another, so each must be reported. */
const mutations = fc
  .subarray(targets, { minLength: 1 })
  .map((chosen) => chosen.filter((t) => !chosen.some((o) => o !== t && isPrefix(o.path, t.path))))
  .chain((chosen) => fc.tuple(...chosen.map(mutationOf)));

function apply(work: Record<string, unknown>, m: Mutation): void {
  const parentPath = m.target.path.slice(0, -1);
  const last = m.target.path[m.target.path.length - 1] as Segment;
  let node = work as Record<Segment, unknown>;
  for (const s of parentPath) node = node[s] as Record<Segment, unknown>;
  if (m.kind === 'drop') delete node[last];
  else if (m.kind === 'wrong') node[last] = m.value;
  else (node[last] as Record<string, unknown>)[m.key] = 'surprise';
}

/** The path an issue about this mutation must start with, spelled the way issues spell paths. */
function expectedPath(m: Mutation): string {
  const path = m.kind === 'extra' ? [...m.target.path, m.key] : m.target.path;
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Checks that `error` is a ValidationError listing issues, each with a path and a message. */
const expectWellFormed = (error: unknown): ValidationError => {
  expect(error).toBeInstanceOf(ValidationError);
  const issues = (error as ValidationError).issues;
  const malformed = issues.filter(
    (i) =>
      typeof i.path !== 'string' ||
      i.path.length === 0 ||
      typeof i.message !== 'string' ||
      i.message.length === 0,
  );
  expect(issues.length > 0 && malformed.length === 0, JSON.stringify(issues)).toBe(true);
  return error as ValidationError;
};

/** Property tests run hundreds of cases; on a busy shared machine they need more than the default 5 s. */
const SLOW = { timeout: 60_000 };

describe('SchemaValidator properties', () => {
  it('the unmutated base work is valid (so every mutation below is what makes a work invalid)', () => {
    expect(validator.check(baseWork())).toEqual([]);
  });

  it('any value at all yields a ValidationError with paths, never another exception', SLOW, () => {
    fc.assert(
      fc.property(garbage, (value) => {
        expectWellFormed(thrown(() => validator.validateWork(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('work-shaped values either pass or yield a ValidationError with paths', SLOW, () => {
    const loose = fc.record(
      {
        id: fc.oneof(fc.string(), garbage),
        type: fc.oneof(fc.constantFrom('docker', 'dokcer', ''), garbage),
        executor_config: fc.oneof(
          fc.record(
            {
              image: fc.oneof(fc.string(), garbage),
              command: fc.oneof(fc.array(fc.string()), fc.string(), garbage),
              resources: fc.oneof(fc.record({ memory_limit: fc.string() }), garbage),
              auth: garbage,
            },
            { requiredKeys: [] },
          ),
          garbage,
        ),
        timeout: fc.oneof(fc.string(), fc.nat(), garbage),
        labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), garbage),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(loose, (work) => {
        const issues = validator.check(work);
        if (issues.length === 0) expect(() => validator.validateWork(work)).not.toThrow();
        else expectWellFormed(thrown(() => validator.validateWork(work)));
      }),
      { numRuns: 300 },
    );
  });

  it(
    'a valid work with dropped keys, wrong types, extra keys or deep garbage reports every mutation at its path',
    SLOW,
    () => {
      fc.assert(
        fc.property(mutations, (chosen) => {
          const work = baseWork();
          for (const m of chosen) apply(work, m);
          const error = expectWellFormed(thrown(() => validator.validateWork(work)));
          const paths = error.issues.map((i) => i.path);
          const missed = chosen
            .map(expectedPath)
            .filter((e) => !paths.some((p) => p === e || p.startsWith(`${e}.`) || p.startsWith(`${e}[`)));
          expect(missed, `not reported in ${JSON.stringify(paths)}`).toEqual([]);
        }),
        { numRuns: 200 },
      );
    },
  );
});

describe('EnhancedWorkRegistry properties', () => {
  const registry = new EnhancedWorkRegistry();
  const executor = new FakeExecutor();
  registry.registerExecutor('docker', executor);

  it(
    'validateWork and execute reject any value with a UbomError and never run the executor',
    SLOW,
    async () => {
      await fc.assert(
        fc.asyncProperty(garbage, async (value) => {
          for (const attempt of [
            () => registry.validateWork(value as Work),
            () => registry.execute(value as Work, {}, { signal: new AbortController().signal }),
            () => registry.execute(value as Work),
          ]) {
            const error = await rejection(attempt());
            const code = error instanceof UbomError ? error.code : `not a UbomError: ${String(error)}`;
            expect(['VALIDATION', 'NOT_FOUND']).toContain(code);
          }
          expect(executor.calls).toEqual({ validate: 0, execute: 0 });
        }),
        { numRuns: 150 },
      );
    },
  );

  it('mutated works are rejected with a ValidationError before the executor sees them', SLOW, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (chosen) => {
        const work = baseWork();
        for (const m of chosen) apply(work, m);
        expectWellFormed(await rejection(registry.execute(work as unknown as Work)));
        expectWellFormed(await rejection(registry.validateWork(work as unknown as Work)));
        expect(executor.calls).toEqual({ validate: 0, execute: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
