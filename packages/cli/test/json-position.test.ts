import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColumn, pathLocator, pathSegments } from '../src/json-position';
import { parseJson } from '../src/read-work';

const v8Position = (text: string): number | undefined => {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const at = /at position (\d+)/.exec((error as Error).message);
    return at ? Number(at[1]) : undefined;
  }
};

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a":1,}', 7],
    ['{"a":1', 6],
    ['{a:1}', 1],
    ['[1,2,,3]', 5],
    ['{"a": tru}', 9],
    ['{"a":"x\ny"}', 7],
    ['{} x', 3],
    ['[01]', 2],
    ['"\\q"', 2],
    ['"\\u12G4"', 5],
    ['[1.]', 3],
    ['[-]', 2],
    ['', 0],
    ['nul', 3],
  ])('finds the first bad character of %j at %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
    const v8 = v8Position(text);
    if (v8 !== undefined) expect(v8).toBe(offset);
  });

  it.each(['{}', '[]', '{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]}', ' \r\n\t0 '])(
    'accepts valid JSON %j',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorOffset(text)).toBeUndefined();
    },
  );
});

describe('lineColumn', () => {
  it('counts lines and 1-based columns across \\n and \\r\\n', () => {
    expect(lineColumn('ab', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\r\ncd\r\nef', 9)).toEqual({ line: 3, column: 2 });
  });
});

describe('parseJson', () => {
  it('skips a byte order mark', () => {
    expect(parseJson('\ufeff{"a":1}', 'f')).toEqual({ a: 1 });
  });

  it('names line and column when V8 gives no position', () => {
    expect(() => parseJson('[\n  1,\n  2,,\n]', 'w.json')).toThrow(
      "w.json:3:5: not valid JSON: Unexpected token ',' (line 3, column 5)",
    );
  });
});

describe('pathLocator', () => {
  const text = `{
  "id": "w",
  "type": "process",
  "executor_config": {
    "comand": ["a", "b"],
    "env": { "A B": 1 }
  }
}`;
  const at = pathLocator(text);

  it('finds the key an issue path names, array items, quoted keys, and the parent of a missing key', () => {
    expect(at('executor_config.comand')).toEqual({ line: 5, column: 5 });
    expect(at('executor_config.comand[1]')).toEqual({ line: 5, column: 21 });
    expect(at('executor_config.env["A B"]')).toEqual({ line: 6, column: 14 });
    expect(at('executor_config.command')).toEqual({ line: 4, column: 3 });
    expect(at('type')).toEqual({ line: 3, column: 3 });
    expect(at('')).toEqual({ line: 1, column: 1 });
  });

  it('splits paths into keys and indexes', () => {
    expect(pathSegments('a.b[0]["c.d"].e')).toEqual(['a', 'b', '0', 'c.d', 'e']);
  });
});
