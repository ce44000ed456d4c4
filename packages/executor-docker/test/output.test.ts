import { describe, expect, it } from 'vitest';
import { splitArgs } from '../src/argv';
import { Demuxer, type OutputSource } from '../src/logs';
import { countManaged, dockerWork, newExecutor } from './support/docker';

const frame = (type: number, text: string): Buffer => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

/** Runs of consecutive payload bytes of the same stream. */
function demuxAll(chunks: Buffer[]): [OutputSource, string][] {
  const out: [OutputSource, Buffer[]][] = [];
  const demuxer = new Demuxer((source, payload) => {
    const last = out[out.length - 1];
    if (last && last[0] === source) last[1].push(Buffer.from(payload));
    else out.push([source, [Buffer.from(payload)]]);
  });
  for (const c of chunks) demuxer.write(c);
  return out.map(([source, parts]) => [source, Buffer.concat(parts).toString()]);
}

describe('Demuxer (Docker multiplexed attach stream)', () => {
  const stream = Buffer.concat([
    frame(1, 'out 1\n'),
    frame(2, 'err 1\n'),
    frame(1, ''),
    frame(1, 'out 2\nout 3\n'),
    frame(2, 'ünïcödé\n'),
  ]);
  const expected: [OutputSource, string][] = [
    ['stdout', 'out 1\n'],
    ['stderr', 'err 1\n'],
    ['stdout', 'out 2\nout 3\n'],
    ['stderr', 'ünïcödé\n'],
  ];

  it('splits frames by stream, in order, from one chunk', () => {
    expect(demuxAll([stream])).toEqual(expected);
  });

  it('gives the same result whatever the chunk boundaries (headers and payloads cut anywhere)', () => {
    for (let size = 1; size <= stream.length; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      expect(demuxAll(chunks), `chunks of ${size} bytes`).toEqual(expected);
    }
  });
});

describe('splitArgs', () => {
  it('splits like a POSIX shell, without expansion', () => {
    expect(splitArgs(`python  script.py --name "two words" 'it''s' a\\ b "q\\"x" '$HOME'`)).toEqual([
      'python',
      'script.py',
      '--name',
      'two words',
      'its',
      'a b',
      'q"x',
      '$HOME',
    ]);
    expect(splitArgs(`echo ""`)).toEqual(['echo', '']);
    expect(splitArgs('  ')).toEqual([]);
  });

  it('refuses an unterminated quote', () => {
    expect(splitArgs(`echo "open`)).toBeUndefined();
    expect(splitArgs(`echo 'open`)).toBeUndefined();
  });
});

describe('large output', () => {
  it('streams 50 MB of output line by line while the result and the heap stay bounded', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'run with --expose-gc (vitest.config.ts execArgv)').toBeTypeOf('function');
    const executor = await newExecutor();
    const lines = 524_288; // 100-byte lines: 50 MiB
    let streamed = 0;
    let last = '';
    let doneSeen = false;
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const result = await executor.execute(
      dockerWork({
        command: [
          'sh',
          '-c',
          `yes 123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789 | head -n ${lines}; echo done >&2`,
        ],
      }),
      {},
      {
        onLog: (e) => {
          if (e.source === 'stderr' && e.message === 'done') doneSeen = true;
          if (e.source === 'stdout') {
            streamed++;
            last = e.message;
          }
        },
      },
    );
    gc?.();
    const retained = process.memoryUsage().heapUsed - before;
    expect(result.success).toBe(true);
    expect(streamed).toBe(lines);
    expect(last).toHaveLength(99);
    expect(result.metrics.stdoutBytes).toBe(lines * 100);
    expect(result.logs.length).toBeLessThanOrEqual(1000);
    // stdout and stderr reach the engine through separate pipes: 'done' may overtake the last stdout lines
    expect(doneSeen).toBe(true);
    expect(String(result.outputs.stdout).length).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.stringify(result).length).toBeLessThan(1024 * 1024);
    // nothing of the 50 MB is kept once the work is over
    expect(retained).toBeLessThan(16 * 1024 * 1024);
    await executor.state.idle();
    expect(await countManaged()).toBe(0);
  });
});
