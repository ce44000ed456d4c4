import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectWellFormedResult } from '@ubom/testkit';
import { describe, expect, it } from 'vitest';
import { lines, run } from './support/run';

describe('running a command', () => {
  it('runs the argv without a shell: metacharacters reach the program as they are', async () => {
    const { result } = await run({ command: ['echo', '$HOME', '*', '|', 'x'] });
    expect(result.success).toBe(true);
    expect(lines(result.logs, 'stdout')).toEqual(['$HOME * | x']);
  });

  it('interprets a string through /bin/sh with `shell: true`, and through the named shell', async () => {
    const { result } = await run({ command: 'echo one two | wc -w', shell: true });
    expect(lines(result.logs, 'stdout').map((l) => l.trim())).toEqual(['2']);
    const named = await run({ command: 'echo "$0"', shell: '/bin/sh' });
    expect(lines(named.result.logs, 'stdout')).toEqual(['/bin/sh']);
  });

  it('runs in `cwd`', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'ubom-cwd-')));
    const { result } = await run({ command: ['pwd'], cwd: dir });
    expect(lines(result.logs, 'stdout')).toEqual([dir]);
  });

  it('writes `stdin` to the command and closes it; without it the command reads end-of-file', async () => {
    const { result } = await run({ command: ['sh', '-c', 'wc -l'], stdin: 'a\nb\nc\n' });
    expect(lines(result.logs, 'stdout').map((l) => l.trim())).toEqual(['3']);
    const empty = await run({ command: ['cat'] });
    expect(empty.result.success).toBe(true);
    expect(empty.result.outputs.stdout).toBe('');
  });

  it('reports exit code, pid, stdout/stderr and byte counts', async () => {
    const { result } = await run({ command: ['sh', '-c', 'printf "out\\n"; printf "err\\n" >&2'] });
    expectWellFormedResult(result);
    expect(result.outputs).toMatchObject({ exit_code: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(typeof result.outputs.pid).toBe('number');
    expect(result.outputs).not.toHaveProperty('signal');
    expect(result.metrics).toMatchObject({ exitCode: 0, stdoutBytes: 4, stderrBytes: 4 });
  });

  it('resolves success:false naming the exit code and the last stderr lines on a non-zero exit', async () => {
    const { result } = await run({
      command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7; do echo "problem $i" >&2; done; exit 3'],
    });
    expectWellFormedResult(result);
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(3);
    expect(result.error).toMatch(/^the command exited with code 3: problem 3\nproblem 4\n.*problem 7$/s);
    expect(result.logs.at(-1)).toMatchObject({ level: 'error', source: 'executor' });
  });

  it('resolves success:false naming the signal when the command is killed from outside', async () => {
    const { result } = await run({ command: ['sh', '-c', 'kill -KILL $$'] });
    expect(result.success).toBe(false);
    expect(result.outputs).toMatchObject({ exit_code: null, signal: 'SIGKILL' });
    expect(result.error).toMatch(/killed by SIGKILL/);
  });

  it('keeps the order of lines within each stream, stdout at level info and stderr at level info', async () => {
    const script = 'for i in $(seq 1 200); do echo "out $i"; echo "err $i" >&2; done';
    const { result, live } = await run({ command: ['sh', '-c', script] });
    const expected = (p: string) => Array.from({ length: 200 }, (_, i) => `${p} ${i + 1}`);
    expect(lines(live, 'stdout')).toEqual(expected('out'));
    expect(lines(live, 'stderr')).toEqual(expected('err'));
    expect(new Set(live.filter((e) => e.source !== 'executor').map((e) => e.level))).toEqual(
      new Set(['info']),
    );
    expect(live.map((e) => e.seq)).toEqual(live.map((_, i) => i));
    expect(result.success).toBe(true);
  });

  it('streams 5 MB of output line by line while the result keeps bounded tails', async () => {
    // 80 000 lines of 64 bytes each: ~5 MB
    const script =
      'let i=0; const l="x".repeat(58); let s=""; while (i<80000) s += String(i++).padStart(5,"0")+l+"\\n"; process.stdout.write(s)';
    const { result, live } = await run({ command: ['node', '-e', script] });
    expect(result.success).toBe(true);
    expect(lines(live, 'stdout')).toHaveLength(80_000);
    expect(lines(live, 'stdout').at(-1)).toMatch(/^79999x+$/);
    expect(result.metrics.stdoutBytes).toBe(80_000 * 64);
    expect(Buffer.byteLength(String(result.outputs.stdout))).toBeLessThanOrEqual(64 * 1024);
    expect(String(result.outputs.stdout).endsWith(`79999${'x'.repeat(58)}\n`)).toBe(true);
    expect(result.logs.length).toBeLessThanOrEqual(1000);
    expect(result.logs.at(-1)?.message).toMatch(/^79999/);
  });
});

describe('output: "json"', () => {
  it('parses the last non-empty stdout line into outputs.result', async () => {
    const { result } = await run({
      command: ['sh', '-c', 'echo "progress"; echo \'{"answer": 42, "list": [1, 2]}\'; echo; echo "  "'],
      output: 'json',
    });
    expect(result.success).toBe(true);
    expect(result.outputs.result).toEqual({ answer: 42, list: [1, 2] });
  });

  it('resolves success:false with a clear message when the last line is not JSON', async () => {
    const { result } = await run({
      command: ['sh', '-c', 'echo "{\\"a\\": 1}"; echo "done!"'],
      output: 'json',
    });
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^output is "json" but the last stdout line is not JSON \(.+\): done!$/);
    expect(result.outputs).not.toHaveProperty('result');
    expect(result.outputs.exit_code).toBe(0);
  });

  it('resolves success:false when the command printed nothing', async () => {
    const { result } = await run({ command: ['true'], output: 'json' });
    expect(result.success).toBe(false);
    expect(result.error).toBe('output is "json" but the command printed nothing on stdout');
  });

  it('reads a JSON line longer than the 64 KiB stdout tail', async () => {
    const script = 'console.log("noise"); console.log(JSON.stringify({ big: "y".repeat(200000) }))';
    const { result } = await run({ command: ['node', '-e', script], output: 'json' });
    expect(result.success).toBe(true);
    expect((result.outputs.result as { big: string }).big).toHaveLength(200_000);
  });

  it('reports the exit code rather than a JSON problem when the command fails', async () => {
    const { result } = await run({ command: ['sh', '-c', 'echo oops >&2; exit 2'], output: 'json' });
    expect(result.error).toBe('the command exited with code 2: oops');
  });
});
