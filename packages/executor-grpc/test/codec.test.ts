import type { ValidationError } from '@ubom/core';
import { Root, type Type } from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../src/codec';
import { PROTO_DIR } from './helpers';

let Kinds: Type;
const roundTrip = (value: Record<string, unknown>) =>
  decodeMessage(Kinds, encodeMessage(Kinds, value, 'request'));
const issues = (value: unknown) => {
  try {
    encodeMessage(Kinds, value, 'request');
  } catch (error) {
    return (error as ValidationError).issues;
  }
  throw new Error('no ValidationError');
};

beforeAll(() => {
  const root = new Root();
  root.resolvePath = (_origin, target) => `${PROTO_DIR}/${target}`;
  root.loadSync('demo/v1/kinds.proto', { keepCase: true });
  root.resolveAll();
  Kinds = root.lookupType('demo.v1.Kinds');
});

describe('JSON ↔ protobuf codec', () => {
  it('round-trips every scalar kind: 64-bit integers as strings, floats, bytes as base64', () => {
    const out = roundTrip({
      small: 1.5,
      big: 'Infinity',
      unsigned32: 4294967295,
      signed64: '-9223372036854775808',
      fixed: '18446744073709551615',
      blob: Buffer.from([0xfb, 0xff]).toString('base64url'),
    });
    expect(out).toMatchObject({
      small: 1.5,
      big: 'Infinity',
      unsigned32: 4294967295,
      signed64: '-9223372036854775808',
      fixed: '18446744073709551615',
      blob: Buffer.from([0xfb, 0xff]).toString('base64'),
    });
  });

  it('writes defaults for unset fields and null for unset messages', () => {
    expect(roundTrip({})).toMatchObject({
      small: 0,
      signed64: '0',
      mood: 'MOOD_UNSPECIFIED',
      inners: [],
      by_id: {},
      child: null,
    });
  });

  it('handles maps with integer and bool keys, repeated and nested messages', () => {
    const out = roundTrip({
      by_id: { '7': 'seven', '-1': 'minus one' },
      by_flag: { true: { note: 'yes' } },
      inners: [{ note: 'a' }, { values: [1, 2] }],
      child: { child: { mood: 'SAD' } },
    });
    expect(out.by_id).toEqual({ '7': 'seven', '-1': 'minus one' });
    expect(out.by_flag).toMatchObject({ true: { note: 'yes' } });
    expect((out.inners as { note: string }[]).map((i) => i.note)).toEqual(['a', '']);
    expect((out.child as { child: { mood: string } }).child.mood).toBe('SAD');
  });

  it('writes well-known types in their ProtoJSON form, also inside lists and nested messages', () => {
    const out = roundTrip({
      wait: '1.500s',
      attributes: { a: [1, 'two', { three: true }], b: null },
      anything: 'text',
      counters: ['5', 6],
      child: { wait: '3s' },
    });
    expect(out.wait).toBe('1.500s');
    expect(out.attributes).toEqual({ a: [1, 'two', { three: true }], b: null });
    expect(out.anything).toBe('text');
    expect(out.counters).toEqual(['5', '6']);
    expect((out.child as { wait: string }).wait).toBe('3s');
  });

  it('accepts lowerCamelCase JSON names and treats null as unset', () => {
    expect(roundTrip({ byId: { '1': 'x' }, unsigned32: null })).toMatchObject({
      by_id: { '1': 'x' },
      unsigned32: 0,
    });
  });

  it('keeps presence of proto3 optional fields', () => {
    expect(roundTrip({ maybe: '' }).maybe).toBe('');
    expect(roundTrip({}).maybe).toBeUndefined();
  });

  it('reports every bad field at once, each at its JSON path, with what was expected', () => {
    const found = issues({
      small: 1e39,
      unsigned32: -1,
      signed64: '9223372036854775808',
      fixed: '-1',
      by_id: { seven: 'x' },
      by_flag: { maybe: {} },
      inners: [{ note: 1 }, 'x'],
      wait: 'forever',
      blob: 'not base64!',
      mood: 'HAPPPY',
      child: { child: { unknown_field: 1 } },
      counters: [{}],
    });
    expect(Object.fromEntries(found.map((i) => [i.path, i.message]))).toEqual({
      'request.small': 'is out of range for float, got 1e+39',
      'request.unsigned32': 'is out of range for uint32, got -1',
      'request.signed64': 'is out of range for sint64, got 9223372036854775808',
      'request.fixed': 'is out of range for fixed64, got -1',
      'request.by_id.seven': 'is not a valid int64 map key',
      'request.by_flag.maybe': 'is not a valid bool map key',
      'request.inners[0].note': 'must be a string, got 1',
      'request.inners[1]': 'must be an object (demo.v1.Inner), got "x"',
      'request.wait': expect.stringContaining('must be a google.protobuf.Duration in ProtoJSON form'),
      'request.blob': 'must be base64 text (bytes), got "not base64!"',
      'request.mood': 'must be one of MOOD_UNSPECIFIED, HAPPY, SAD, got "HAPPPY" — did you mean "HAPPY"?',
      'request.child.child.unknown_field': expect.stringContaining('unknown field of demo.v1.Kinds'),
      'request.counters[0]': expect.stringContaining('google.protobuf.Int64Value'),
    });
  });

  it('refuses a field given twice, by proto name and JSON name', () => {
    expect(issues({ by_id: {}, byId: {} })).toEqual([
      { path: 'request.byId', message: 'sets by_id twice (as by_id and byId)' },
    ]);
  });

  it('refuses a request that is not an object', () => {
    expect(issues([1])).toEqual([{ path: 'request', message: 'must be an object (demo.v1.Kinds), got [1]' }]);
  });
});
