import { describe, expect, it } from 'vitest';
import {
  expectNoSecret,
  expectWellFormedLogs,
  expectWellFormedResult,
  isAbortError,
  secretForms,
} from '../src';

const good = () => ({
  success: true,
  outputs: {},
  logs: [
    { timestamp: '2026-01-01T00:00:00.000Z', level: 'info', message: 'a', source: 'stdout', seq: 0 },
    { timestamp: '2026-01-01T00:00:00.001Z', level: 'warn', message: 'b', seq: 3 },
  ],
  metrics: {
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
    attempts: 1,
  },
});

describe('expectWellFormedResult', () => {
  it('accepts a well-formed result', () => {
    expect(() => expectWellFormedResult(good())).not.toThrow();
    expect(() => expectWellFormedResult({ ...good(), success: false, error: 'boom' })).not.toThrow();
  });

  it.each([
    [
      'a non-ISO startedAt',
      (r: ReturnType<typeof good>) => Object.assign(r.metrics, { startedAt: 'yesterday' }),
    ],
    [
      'finishedAt before startedAt',
      (r: ReturnType<typeof good>) => Object.assign(r.metrics, { finishedAt: '2025-01-01T00:00:00.000Z' }),
    ],
    ['a negative durationMs', (r: ReturnType<typeof good>) => Object.assign(r.metrics, { durationMs: -1 })],
    ['zero attempts', (r: ReturnType<typeof good>) => Object.assign(r.metrics, { attempts: 0 })],
    ['a failure without error', (r: ReturnType<typeof good>) => Object.assign(r, { success: false })],
    ['a success with an error', (r: ReturnType<typeof good>) => Object.assign(r, { error: 'x' })],
    ['outputs that are an array', (r: ReturnType<typeof good>) => Object.assign(r, { outputs: [] })],
    [
      'a log entry with an unknown level',
      (r: ReturnType<typeof good>) => Object.assign(r.logs[0] ?? {}, { level: 'fatal' }),
    ],
  ])('rejects %s', (_, spoil) => {
    const result = good();
    spoil(result);
    expect(() => expectWellFormedResult(result)).toThrow();
  });
});

describe('expectWellFormedLogs', () => {
  it('rejects seq that does not ascend', () => {
    const [a, b] = good().logs;
    expect(() => expectWellFormedLogs([b, a])).toThrow();
  });
});

describe('secrets', () => {
  it('knows the encoded forms of a secret and finds each in text', () => {
    const forms = secretForms('p@ss word!');
    expect(forms).toEqual(expect.arrayContaining(['p@ss word!', 'cEBzcyB3b3JkIQ', 'p%40ss%20word!']));
    for (const form of forms) expect(() => expectNoSecret(`…${form}…`, 'p@ss word!')).toThrow();
    expect(() => expectNoSecret('nothing here ***', 'p@ss word!')).not.toThrow();
  });
});

describe('isAbortError', () => {
  it('recognises an abort by its code, not by class identity', () => {
    expect(isAbortError(Object.assign(new Error('x'), { code: 'ABORTED' }))).toBe(true);
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isAbortError({ code: 'ABORTED' })).toBe(false);
  });
});
