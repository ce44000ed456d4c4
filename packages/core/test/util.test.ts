import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  abortErrorFrom,
  ConflictError,
  DURATION_PATTERN,
  describeCause,
  editDistance,
  formatDuration,
  isUbomError,
  MetricsClock,
  NotFoundError,
  PluginError,
  parseDuration,
  parseSize,
  SIZE_PATTERN,
  sleep,
  suggest,
  TimeoutError,
  throwIfAborted,
  UbomError,
  UnavailableError,
  ValidationError,
  workResult,
} from '../src';
import { rejection, thrown } from './helpers';

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['300ms', 300],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1h2m3s4ms', 3_723_004],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1500000ns', 1.5],
    ['0s', 0],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('parses decimal amounts exactly', () => {
    expect(parseDuration('1.001s')).toBe(1001);
    expect(parseDuration('1.1s')).toBe(1100);
    expect(parseDuration('0.3m')).toBe(18_000);
  });

  it('takes a number as milliseconds', () => {
    expect(parseDuration(50)).toBe(50);
    expect(parseDuration(0)).toBe(0);
  });

  it.each<[string, unknown]>([
    ['a bare number in a string', '30'],
    ['a unit alone', 's'],
    ['an empty string', ''],
    ['spaces', '30 s'],
    ['days', '1d'],
    ['a negative string', '-5s'],
    ['a negative number', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['null', null],
    ['an object', { s: 30 }],
  ])('returns undefined for %s', (_name, value) => {
    expect(parseDuration(value)).toBeUndefined();
  });

  it('agrees with DURATION_PATTERN on what is a duration', () => {
    const re = new RegExp(DURATION_PATTERN);
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (s) => {
        expect(parseDuration(s) !== undefined).toBe(re.test(s));
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0ms'],
    [50, '50ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_723_000, '1h2m3s'],
    [7_200_500, '2h0.5s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration for any whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });

  it('formats what parseDuration reads back to the same duration', () => {
    const part = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('ms', 's', 'm', 'h'));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([n, unit]) => `${n}${unit}`).join('');
        const ms = parseDuration(text) as number;
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('parseSize', () => {
  it.each<[unknown, number]>([
    ['512m', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['256k', 256 * 1024],
    ['1024', 1024],
    ['100b', 100],
    ['1.5g', 1.5 * 1024 ** 3],
    ['512MB', 512 * 1024 ** 2],
    ['2T', 2 * 1024 ** 4],
    [4096, 4096],
    [1.7, 1],
  ])('parses %s as %d bytes', (value, bytes) => {
    expect(parseSize(value)).toBe(bytes);
  });

  it.each<[unknown]>([['lots'], ['12x'], [''], ['m'], ['-1m'], [-1], [Number.NaN], [null], [['1g']]])(
    'returns undefined for %j',
    (value) => {
      expect(parseSize(value)).toBeUndefined();
    },
  );

  it('parses every string SIZE_PATTERN accepts', () => {
    const re = new RegExp(SIZE_PATTERN);
    const size = fc
      .tuple(fc.nat(100_000), fc.constantFrom('', 'b', 'k', 'm', 'g', 't', 'K', 'M', 'G', 'kb', 'MB', 'Gb'))
      .map(([n, unit]) => `${n}${unit}`);
    fc.assert(
      fc.property(size, (s) => {
        expect(re.test(s)).toBe(true);
        expect(parseSize(s)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('abort helpers', () => {
  it('throwIfAborted does nothing for a live or missing signal', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });

  it('throwIfAborted throws an AbortError keeping the reason as cause, with the scope in the message', () => {
    const reason = new Error('user pressed ctrl-c');
    const error = thrown(() => throwIfAborted(AbortSignal.abort(reason), 'docker'));
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ABORTED', name: 'AbortError', cause: reason, scope: 'docker' });
    expect((error as Error).message).toBe('[ubom] [docker] the work was cancelled');
  });

  it('abortErrorFrom returns an AbortError reason as it is', () => {
    const reason = new AbortError('stopped by the queue');
    expect(abortErrorFrom(AbortSignal.abort(reason))).toBe(reason);
  });

  it('sleep resolves after the delay, and rejects with AbortError when the signal aborts', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort();
    expect(await rejection(sleeping)).toBeInstanceOf(AbortError);
    expect(await rejection(sleep(10, AbortSignal.abort()))).toBeInstanceOf(AbortError);
  });
});

describe('suggest and editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('image', 'image')).toBe(0);
    expect(editDistance('imgae', 'image')).toBe(1);
    expect(editDistance('imag', 'image')).toBe(1);
    expect(editDistance('imagee', 'image')).toBe(1);
    expect(editDistance('ixage', 'image')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close keys, ignoring case and separators, and nothing far away', () => {
    expect(suggest('comand', ['command', 'cwd'])).toBe('command');
    expect(suggest('IMAGE', ['image'])).toBe('image');
    expect(suggest('memorylimit', ['memory_limit', 'cpu_limit'])).toBe('memory_limit');
    expect(suggest('memory-limit', ['memory_limit'])).toBe('memory_limit');
    expect(suggest('zzz', ['image', 'command'])).toBeUndefined();
    expect(suggest('x', [])).toBeUndefined();
  });

  it('compares a huge input only by length against candidates far from it', () => {
    const huge = 'k'.repeat(5_000_000);
    expect(suggest(huge, ['image', 'command'])).toBeUndefined();
    expect(suggest(huge, [`${huge.slice(1)}x`])).toBeUndefined();
    expect(suggest(`${huge}-`, [`${huge}_`])).toBe(`${huge}_`);
  });

  it('prefers a close typo, else a key that differs only by separators', () => {
    expect(suggest('cpu_limt', ['cpu_limit', 'cpulimit'])).toBe('cpu_limit');
    expect(suggest('a_b_c_d_e', ['abcde', 'xyz'])).toBe('abcde');
  });

  it('is symmetric, and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('errors', () => {
  it('prefix their message with [ubom] and the scope, and carry code, retryable and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new UnavailableError('cannot reach the daemon', { scope: 'docker', cause });
    expect(error.message).toBe('[ubom] [docker] cannot reach the daemon');
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, cause, name: 'UnavailableError' });
    expect(error).toBeInstanceOf(UbomError);
    expect(error).toBeInstanceOf(Error);
    expect(isUbomError(error)).toBe(true);
    expect(isUbomError(cause)).toBe(false);
  });

  it('have the documented codes and retryable defaults', () => {
    expect(new NotFoundError('x')).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    expect(new ConflictError('x')).toMatchObject({ code: 'CONFLICT', retryable: false });
    expect(new TimeoutError('x', 5)).toMatchObject({ code: 'TIMEOUT', retryable: true, timeoutMs: 5 });
    expect(new AbortError()).toMatchObject({
      code: 'ABORTED',
      retryable: false,
      message: '[ubom] the work was cancelled',
    });
    expect(new UnavailableError('x', { retryable: false }).retryable).toBe(false);
    expect(ValidationError.single('a.b', 'is required')).toMatchObject({
      code: 'VALIDATION',
      retryable: false,
      issues: [{ path: 'a.b', message: 'is required' }],
      message: '[ubom] invalid work: 1 problem\n  - a.b: is required',
    });
  });

  it('PluginError names plugin, operation and cause, and inherits retryable from a UbomError cause', () => {
    const plain = new PluginError('docker', 'initialize', new Error('boom'));
    expect(plain).toMatchObject({
      pluginName: 'docker',
      operation: 'initialize',
      code: 'PLUGIN',
      retryable: false,
    });
    expect(plain.message).toBe('[ubom] plugin "docker" failed in initialize: boom');
    expect(new PluginError('docker', 'execute', new UnavailableError('down')).retryable).toBe(true);
    expect(new PluginError('docker', 'execute', 'a string').message).toContain('failed in execute: a string');
  });

  it('describeCause never throws, whatever the cause', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeCause({ code: 7 })).toBe('{"code":7}');
    expect(typeof describeCause(cyclic)).toBe('string');
    expect(describeCause(undefined)).toBe('undefined');
    expect(describeCause(10n)).toBe('10');
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withNullPrototype: true }), (cause) => {
        expect(typeof describeCause(cause)).toBe('string');
      }),
    );
  });
});

describe('workResult and MetricsClock', () => {
  it('builds a success without an error key, and a failure with a default error', () => {
    const metrics = new MetricsClock().finish();
    const ok = workResult({ success: true, metrics });
    expect(ok).toEqual({ success: true, outputs: {}, logs: [], metrics });
    expect('error' in ok).toBe(false);
    expect(workResult({ success: false, metrics }).error).toBe('the work failed');
    expect(workResult({ success: false, metrics, error: 'exit 2' }).error).toBe('exit 2');
  });

  it('measures ISO start and finish, a duration, attempts, and keeps extra figures', async () => {
    const clock = new MetricsClock();
    await sleep(5);
    const metrics = clock.finish({ exitCode: 0 }, 2);
    expect(new Date(metrics.startedAt).toISOString()).toBe(metrics.startedAt);
    expect(new Date(metrics.finishedAt).toISOString()).toBe(metrics.finishedAt);
    expect(metrics.durationMs).toBeGreaterThan(0);
    expect(Date.parse(metrics.finishedAt)).toBeGreaterThanOrEqual(Date.parse(metrics.startedAt));
    expect(metrics).toMatchObject({ exitCode: 0, attempts: 2 });
  });
});

describe('lastLines and timeoutOf', () => {
  it('quotes the last non-blank lines, cut from the end', async () => {
    const { lastLines } = await import('../src');
    expect(lastLines('a\n\nb\r\nc\nd\n', 2)).toBe('c\nd');
    expect(lastLines('x'.repeat(50), 5, 10)).toBe(`…${'x'.repeat(10)}`);
    expect(lastLines('', 5)).toBe('');
  });

  it('tells a timeout reason from a cancel', async () => {
    const { timeoutOf, TimeoutError } = await import('../src');
    expect(timeoutOf(new TimeoutError('timed out after 2s', 2000))).toBe(2000);
    expect(timeoutOf(new Error('cancelled'))).toBeUndefined();
    expect(timeoutOf('stop')).toBeUndefined();
  });
});
