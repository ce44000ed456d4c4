import { Masker } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import {
  expectNoSecret,
  expectWellFormedLogs,
  expectWellFormedResult,
  isAbortError,
  leakedEncodings,
  secretEncodings,
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

describe('secretEncodings', () => {
  const secret = 's3cr t/9a+ü="q"?&\\z~!';

  it('names eleven distinct forms of a secret with a space, quotes, a backslash, ~, ! and a non-ASCII letter', () => {
    const forms = secretEncodings(secret);
    expect(new Set(Object.values(forms)).size).toBe(11);
    expect(forms).toMatchObject({
      as_is: secret,
      hex: Buffer.from(secret).toString('hex'),
      form: 's3cr+t%2F9a%2B%C3%BC%3D%22q%22%3F%26%5Cz%7E%21',
      uri_component_lower: 's3cr%20t%2f9a%2b%c3%bc%3d%22q%22%3f%26%5cz~!',
      json: 's3cr t/9a+ü=\\"q\\"?&\\\\z~!',
    });
  });

  it('lists exactly the forms core masks, and runs from its own source text (for a remote node -e)', () => {
    const masker = Masker.of([secret]);
    for (const [name, form] of Object.entries(secretEncodings(secret)))
      expect(masker.string(`<${form}>`), name).toBe('<***>');
    const remote = new Function(`return (${secretEncodings.toString()})`)() as typeof secretEncodings;
    expect(remote(secret)).toEqual(secretEncodings(secret));
  });

  it('leakedEncodings names the forms found in a text', () => {
    const { hex, base64url } = secretEncodings(secret);
    expect(leakedEncodings(`a ${hex} b ${base64url}`, secret).sort()).toEqual(['base64url', 'hex']);
    expect(leakedEncodings('nothing here ***', secret)).toEqual([]);
  });
});

describe('isAbortError', () => {
  it('recognises an abort by its code, not by class identity', () => {
    expect(isAbortError(Object.assign(new Error('x'), { code: 'ABORTED' }))).toBe(true);
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isAbortError({ code: 'ABORTED' })).toBe(false);
  });
});
