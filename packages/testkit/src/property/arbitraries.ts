import fc from 'fast-check';

/*
 * Hostile input for property-based tests of an executor's config (`@ubom/testkit/property`, needs
 * fast-check): wrong types, huge strings, deep nesting, `__proto__` keys, lone surrogates,
 * NaN/Infinity and extreme durations, and the checks every executor's answer must pass.
 */

/** Longer than any one case may take, even on a loaded machine: past it the case counts as a hang. */
export const HANG_BOUND_MS = 15_000;

/** Past every length limit of names and paths (PATH_MAX, a host name, …). */
export const BIG = 'x'.repeat(5000);
/** 1 MB. Never where a secret goes: masking a 1 MB secret costs seconds (core's own tests cover it). */
export const HUGE = 'x'.repeat(1_000_000);

/** `{ a: { a: … leaf } }`, `depth` levels; fast-check prints it short (its printer would overflow the stack). */
export function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  if (typeof value === 'object' && value !== null)
    Object.defineProperty(value, fc.toStringMethod, {
      value: () => `nested(${depth}, ${JSON.stringify(leaf)})`,
    });
  return value;
}

/** A copy of `value` (an object, else `{}`) with an own enumerable `__proto__` key, as `JSON.parse` makes one. */
export function withProto(value: unknown, proto: unknown): Record<string, unknown> {
  const out: Record<string, unknown> =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
  Object.defineProperty(out, '__proto__', {
    value: proto,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return out;
}

/**
 * Strings: any, any UTF-16 (lone surrogates included), NUL, a lone surrogate, 5,000 characters, path
 * tricks, and — with `huge` (default true) — 1 MB ones. Give `huge: false` where the value may be a secret.
 */
export function hostileStrings(
  options: { huge?: boolean; extra?: readonly string[] } = {},
): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.string() },
    { weight: 5, arbitrary: fc.string({ unit: 'binary' }) },
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
        ...(options.extra ?? []),
      ),
    },
    { weight: options.huge === false ? 0 : 1, arbitrary: fc.constantFrom(HUGE, `/${HUGE}\uD800`) },
  );
}

/** Durations past core's maximum (596h), negative, fractional, malformed, NaN, ±Infinity, 2^31, 2^53… */
export function extremeDurations(): fc.Arbitrary<unknown> {
  return fc.oneof(
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
}

/**
 * Any wrong value: `strings`, durations, null/booleans/undefined, objects nested past core's depth
 * limit (64) and a little below it, anything fast-check makes (null prototypes, sparse arrays), and
 * objects with a `__proto__` key.
 */
export function junk(strings: fc.Arbitrary<string> = hostileStrings()): fc.Arbitrary<unknown> {
  return fc.oneof(
    strings,
    extremeDurations(),
    fc.constantFrom(null, true, false, undefined),
    fc
      .oneof(fc.integer({ min: 50, max: 2000 }), fc.constantFrom(10_000, 100_000))
      .map((depth) => nested(depth, 'deep')),
    fc.anything({ maxDepth: 3, withNullPrototype: true, withSparseArray: true }),
    fc.tuple(strings, strings).map(([v, p]) => withProto({ v }, p)),
  );
}

/** Object keys: ordinary, invalid as names (`1BAD`, `bad-name`, ``), `__proto__`, `constructor`, any. */
export function hostileKeys(extra: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('A', 'TOKEN', '_X', '1BAD', 'bad-name', '', '__proto__', 'constructor', ...extra),
    fc.string({ maxLength: 8 }),
  );
}

/** A record of `values` under hostile keys, sometimes with a `__proto__` key, or `other` (default: `junk()`). */
export function hostileRecord(
  values: fc.Arbitrary<unknown>,
  options: { keys?: fc.Arbitrary<string>; other?: fc.Arbitrary<unknown> } = {},
): fc.Arbitrary<unknown> {
  const keys = options.keys ?? hostileKeys();
  return fc.oneof(
    fc.dictionary(keys, values, { maxKeys: 4 }),
    fc.tuple(fc.dictionary(keys, values, { maxKeys: 2 }), values).map(([d, p]) => withProto(d, p)),
    options.other ?? junk(),
  );
}

/** `valid` with up to `maxChanged` of its keys set from `fields` (each: plausible values and some junk). */
export function nearlyValidConfigs(
  fields: Record<string, fc.Arbitrary<unknown>>,
  valid: Record<string, unknown>,
  maxChanged = 3,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .subarray(Object.keys(fields), { maxLength: maxChanged })
    .chain((chosen) =>
      fc.record(Object.fromEntries(chosen.map((k) => [k, fields[k] as fc.Arbitrary<unknown>]))),
    )
    .map((changed) => ({ ...valid, ...changed }));
}

/**
 * `executor_config`s built from `fields` (each key of the config: mostly plausible values, some junk):
 * `valid` with up to three keys changed, any subset of the fields, either with unknown keys or a
 * `__proto__` key added, or plain junk instead of an object.
 */
export function hostileConfigs(
  fields: Record<string, fc.Arbitrary<unknown>>,
  valid: Record<string, unknown>,
): fc.Arbitrary<unknown> {
  const nearlyValid = nearlyValidConfigs(fields, valid);
  const wrong = junk();
  return fc.oneof(
    { weight: 6, arbitrary: nearlyValid },
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(nearlyValid, fc.dictionary(fc.string(), wrong, { maxKeys: 3 }))
        .map(([known, extra]) => ({ ...extra, ...known })),
    },
    { weight: 1, arbitrary: fc.tuple(nearlyValid, wrong).map(([c, p]) => withProto(c, p)) },
    { weight: 1, arbitrary: wrong },
  );
}

/**
 * The usual set, made once per test file: `strings` (1 MB ones included), `secretStrings` (none over
 * 5,000 characters), `durations`, `junk` and `secretJunk` built on them, and `secret` (a secret
 * string or junk: for `writeOnly` fields).
 */
export function hostileValues() {
  const strings = hostileStrings();
  const secretStrings = hostileStrings({ huge: false });
  const secretJunk = junk(secretStrings);
  return {
    strings,
    secretStrings,
    durations: extremeDurations(),
    junk: junk(strings),
    secretJunk,
    secret: fc.oneof(secretStrings, secretJunk),
  };
}
