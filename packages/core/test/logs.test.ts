import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineSplitterOptions, LogCollector, type LogEntry, TailBuffer } from '../src';

describe('LogCollector', () => {
  it('numbers entries from 0 and streams each one live, in order', () => {
    const live: LogEntry[] = [];
    const logs = new LogCollector({ onLog: (e) => live.push(e) });
    logs.add('info', 'stdout', 'one');
    logs.add('warn', 'stderr', 'two', { line: 2 });
    logs.info('three');
    expect(live.map((e) => [e.seq, e.level, e.source, e.message])).toEqual([
      [0, 'info', 'stdout', 'one'],
      [1, 'warn', 'stderr', 'two'],
      [2, 'info', 'executor', 'three'],
    ]);
    expect(live[1]?.fields).toEqual({ line: 2 });
    expect('fields' in (live[0] as LogEntry)).toBe(false);
    for (const e of live) expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
    expect(logs.entries()).toEqual(live);
  });

  it('keeps only the last maxEntries, oldest first, while counting all of them', () => {
    const live: number[] = [];
    const logs = new LogCollector({ maxEntries: 3, onLog: (e) => live.push(e.seq ?? -1) });
    for (let i = 0; i < 10; i++) logs.info(`line ${i}`);
    expect(logs.entries().map((e) => e.message)).toEqual(['line 7', 'line 8', 'line 9']);
    expect(logs.entries().map((e) => e.seq)).toEqual([7, 8, 9]);
    expect(logs.count).toBe(10);
    expect(live).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps the tail bounded and in ascending seq for any number of entries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(200), (max, n) => {
        const logs = new LogCollector({ maxEntries: max });
        for (let i = 0; i < n; i++) logs.warn(`m${i}`);
        const seqs = logs.entries().map((e) => e.seq);
        const kept = Math.min(max, n);
        expect(seqs).toEqual(Array.from({ length: kept }, (_, i) => n - kept + i));
      }),
    );
  });

  it('keeps at least one entry whatever maxEntries says, and 1000 by default', () => {
    const one = new LogCollector({ maxEntries: 0 });
    one.info('a');
    one.info('b');
    expect(one.entries().map((e) => e.message)).toEqual(['b']);
    const byDefault = new LogCollector();
    for (let i = 0; i < 1005; i++) byDefault.info(String(i));
    expect(byDefault.entries()).toHaveLength(1000);
    expect(byDefault.entries()[0]?.message).toBe('5');
  });

  it('ignores an onLog callback that throws: the entry is still kept and numbering goes on', () => {
    let calls = 0;
    const logs = new LogCollector({
      onLog: () => {
        calls++;
        throw new Error('consumer bug');
      },
    });
    expect(() => logs.error('first')).not.toThrow();
    logs.error('second');
    expect(calls).toBe(2);
    expect(logs.entries().map((e) => [e.seq, e.message])).toEqual([
      [0, 'first'],
      [1, 'second'],
    ]);
  });
});

describe('TailBuffer', () => {
  it('keeps the last limit bytes and counts everything written', () => {
    const tail = new TailBuffer(10);
    tail.write('hello ');
    tail.write(Buffer.from('world, '));
    tail.write('again');
    expect(tail.toString()).toBe('rld, again');
    expect(tail.totalBytes).toBe(18);
    expect(tail.truncated).toBe(true);
  });

  it('is not truncated while everything fits', () => {
    const tail = new TailBuffer(100);
    tail.write('small');
    expect(tail.toString()).toBe('small');
    expect(tail.truncated).toBe(false);
  });

  it('keeps the end of a single chunk larger than the limit', () => {
    const tail = new TailBuffer(4);
    tail.write('abcdefgh');
    expect(tail.toString()).toBe('efgh');
  });

  it('keeps nothing with a limit of 0', () => {
    const tail = new TailBuffer(0);
    tail.write('abc');
    expect(tail.toString()).toBe('');
    expect(tail.totalBytes).toBe(3);
  });

  it('never shows half a UTF-8 character where the cut falls inside one', () => {
    const tail = new TailBuffer(7);
    tail.write('ééééé😀');
    expect(tail.toString()).toBe('é😀');
    const odd = new TailBuffer(5);
    odd.write('😀😀');
    expect(odd.toString()).toBe('😀');
  });

  it('holds a suffix of what was written, within the limit, for any chunks', () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', '€', '😀', '\n'), { maxLength: 60 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 10 }), fc.integer({ min: 1, max: 40 }), (chunks, limit) => {
        const tail = new TailBuffer(limit);
        for (const chunk of chunks) tail.write(Buffer.from(chunk));
        const all = chunks.join('');
        const kept = tail.toString();
        expect(all.endsWith(kept)).toBe(true);
        expect(kept).not.toContain('\uFFFD');
        expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(limit);
        // at most one character (4 bytes) is dropped at the cut
        expect(Buffer.byteLength(kept)).toBeGreaterThanOrEqual(Math.min(limit, Buffer.byteLength(all)) - 3);
        expect(tail.totalBytes).toBe(Buffer.byteLength(all));
      }),
      { numRuns: 300 },
    );
  });
});

const split = (chunks: Array<string | Buffer>, options?: LineSplitterOptions): string[] => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), options);
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
};

/** What the lines of `text` are: split on \n, a trailing \r dropped, long lines cut into pieces. */
function expectedLines(text: string, max = 16 * 1024): string[] {
  const pieces = text.split('\n');
  const last = pieces.pop() as string;
  if (last.length > 0) pieces.push(last);
  return pieces
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .flatMap((line) => {
      if (line.length === 0) return [''];
      const cut: string[] = [];
      for (let i = 0; i < line.length; i += max) cut.push(line.slice(i, i + max));
      return cut;
    });
}

describe('LineSplitter', () => {
  it('emits whole lines from chunks that split them', () => {
    expect(split(['hel', 'lo\nwor', 'ld\n'])).toEqual(['hello', 'world']);
  });

  it('drops \\r of \\r\\n endings, also when \\r and \\n arrive in different chunks', () => {
    expect(split(['one\r\ntwo\r', '\nthree\r\n'])).toEqual(['one', 'two', 'three']);
  });

  it('emits a final line without a newline on end(), and keeps empty lines', () => {
    expect(split(['a\n\nb'])).toEqual(['a', '', 'b']);
    expect(split(['a\n'])).toEqual(['a']);
    expect(split([])).toEqual([]);
  });

  it('joins a UTF-8 character split across two buffers', () => {
    const bytes = Buffer.from('né😀\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 4), bytes.subarray(4)])).toEqual(['né😀']);
  });

  it('cuts lines longer than maxLineLength into several entries', () => {
    expect(split(['abcdefg\nhi\n'], { maxLineLength: 3 })).toEqual(['abc', 'def', 'g', 'hi']);
    expect(split(['abc', 'def', 'g'], { maxLineLength: 3 })).toEqual(['abc', 'def', 'g']);
  });

  describe('properties: any chunking of a text yields the same lines', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', 'é', '€', '😀'), { maxLength: 80 })
      .map((parts) => parts.join(''));
    const cuts = fc.array(fc.nat(), { maxLength: 12 });

    const cutAt = <T extends string | Buffer>(whole: T, points: number[]): T[] => {
      const at = [...new Set(points.map((p) => p % (whole.length + 1)))].sort((a, b) => a - b);
      const chunks: T[] = [];
      let from = 0;
      for (const p of [...at, whole.length]) {
        chunks.push(whole.slice(from, p) as T);
        from = p;
      }
      return chunks;
    };

    it('string chunks', () => {
      fc.assert(
        fc.property(text, cuts, (t, points) => {
          expect(split(cutAt(t, points))).toEqual(expectedLines(t));
        }),
        { numRuns: 500 },
      );
    });

    it('byte chunks that may split UTF-8 characters', () => {
      fc.assert(
        fc.property(text, cuts, (t, points) => {
          expect(split(cutAt(Buffer.from(t), points))).toEqual(expectedLines(t));
        }),
        { numRuns: 500 },
      );
    });

    it('with a small maxLineLength', () => {
      fc.assert(
        fc.property(text, cuts, fc.integer({ min: 1, max: 5 }), (t, points, max) => {
          expect(split(cutAt(t, points), { maxLineLength: max })).toEqual(expectedLines(t, max));
        }),
        { numRuns: 500 },
      );
    });
  });
});
