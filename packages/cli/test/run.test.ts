import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliRun, cleanEnv, HELLO, nodeWork, ubom, workDir } from './helpers';

const files = workDir();

describe('ubom run', () => {
  it('runs examples/hello: live lines on stderr in order, then a success summary with outputs on stdout', async () => {
    const { code, stdout, stderr } = await ubom(['run', HELLO]);
    expect(code).toBe(0);
    const lines = stderr.split('\n');
    const order = [
      'hello, this is a UBOM process work',
      'working on step 1 of 2',
      '[stderr] a note on stderr',
      'working on step 2 of 2',
      '{"greeting":"hello","steps":2}',
    ].map((line) => lines.indexOf(line));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stdout).toMatch(/^SUCCESS hello \(process\), in [\d.]+m?s, exit code 0\n/);
    expect(stdout).toContain('  result: {"greeting":"hello","steps":2}');
    expect(stdout).toContain('  exit_code: 0');
    expect(stdout).not.toContain('this is a UBOM process work'); // live logs go to stderr only
  });

  it('streams each line to stderr while the work is still running', async () => {
    const gate = join(files.dir, 'gate');
    const script = `const fs = require('fs'); console.log('waiting for the gate');
      const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(gate)})) { clearInterval(t); console.log('through the gate'); } }, 20);`;
    const run = new CliRun(['run', files.write('gate.json', nodeWork(script))]);
    await run.waitFor('stderr', /waiting for the gate\n/);
    expect(run.stderr).not.toContain('through the gate');
    expect(run.stdout).toBe('');
    writeFileSync(gate, '');
    const { code, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stderr).toContain('waiting for the gate\nthrough the gate\n');
  });

  it('exits 1 with a FAILED summary naming the error and exit code when the work fails', async () => {
    const path = files.write('fail.json', nodeWork("console.error('boom'); process.exit(3)"));
    const { code, stdout, stderr } = await ubom(['run', path]);
    expect(code).toBe(1);
    expect(stderr).toContain('[stderr] boom');
    expect(stdout).toMatch(/^FAILED test-work \(process\), in [\d.]+m?s, exit code 3\n/);
    expect(stdout).toMatch(/\nerror: .*3/);
  });

  it('--json prints the WorkResult as JSON on stdout with the work id and type, logs still live on stderr', async () => {
    const { code, stdout, stderr } = await ubom(['run', HELLO, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result).slice(0, 2)).toEqual(['id', 'type']);
    expect(result).toMatchObject({
      id: 'hello-1',
      type: 'process',
      success: true,
      outputs: { exit_code: 0, result: { greeting: 'hello', steps: 2 } },
    });
    expect(result.metrics).toMatchObject({ attempts: 1 });
    expect(typeof result.metrics.durationMs).toBe('number');
    expect(result.logs.map((l: { message: string }) => l.message)).toContain('working on step 1 of 2');
    expect(stderr).toContain('working on step 1 of 2');
  });

  it('--json keeps the exit code of a failed work', async () => {
    const { code, stdout } = await ubom([
      'run',
      files.write('fail-json.json', nodeWork('process.exit(4)')),
      '--json',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ success: false, outputs: { exit_code: 4 } });
  });

  it('--quiet prints no live logs, only the summary', async () => {
    const { code, stdout, stderr } = await ubom(['run', HELLO, '--quiet']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^SUCCESS hello/);
  });

  it('reads the work from stdin when the file is -', async () => {
    const work = nodeWork("console.log('from stdin')", {}, { id: 'piped' });
    const { code, stdout, stderr } = await ubom(['run', '-'], { input: JSON.stringify(work) });
    expect(code).toBe(0);
    expect(stderr).toContain('from stdin\n');
    expect(stdout).toMatch(/^SUCCESS piped \(process\)/);
  });

  it('--timeout overrides the work timeout: the work is stopped and reported as timed out, exit 1', async () => {
    const path = files.write(
      'slow.json',
      nodeWork("console.log('started'); setTimeout(() => {}, 60000)", {}, { timeout: '1m' }),
    );
    const { code, stdout } = await ubom(['run', path, '--timeout', '300ms']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAILED/);
    expect(stdout).toContain('error: timed out after 300ms');
  });

  it('refuses a --timeout that is not a duration with exit 2 and runs nothing', async () => {
    const marker = join(files.dir, 'ran-bad-timeout');
    const path = files.write(
      'bad-timeout.json',
      nodeWork(`require('fs').writeFileSync(${JSON.stringify(marker)}, '')`),
    );
    const { code, stderr, stdout } = await ubom(['run', path, '--timeout', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout must be a duration like 30s, 1m30s or 500ms, got "soon"');
    expect(stdout).toBe('');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('ubom run output styling', () => {
  const mixed = nodeWork("console.log('out line'); console.error('err line')");

  it('writes no escape codes when stdout and stderr are not terminals', async () => {
    const { stdout, stderr } = await ubom(['run', files.write('plain.json', mixed)]);
    expect(stdout + stderr).not.toContain('\x1b[');
    expect(stderr).toContain('out line\n[stderr] err line\n');
  });

  it('colours with FORCE_COLOR: stderr marker yellow (red is for failure), executor lines dim, summary head green; stdout lines plain', async () => {
    const { stdout, stderr } = await ubom(['run', files.write('color.json', mixed)], {
      env: cleanEnv({ FORCE_COLOR: '1' }),
    });
    expect(stderr).toContain('out line\n\x1b[33m[stderr]\x1b[39m err line\n');
    expect(stderr.startsWith('\x1b[2m[process] started process ')).toBe(true);
    expect(stdout).toContain('\x1b[32m\x1b[1mSUCCESS');
  });

  it('NO_COLOR wins over FORCE_COLOR, and so does --no-color', async () => {
    const path = files.write('nocolor.json', mixed);
    const a = await ubom(['run', path], { env: cleanEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) });
    const b = await ubom(['--no-color', 'run', path], { env: cleanEnv({ FORCE_COLOR: '1' }) });
    for (const { code, stdout, stderr } of [a, b]) {
      expect(code).toBe(0);
      expect(stdout + stderr).not.toContain('\x1b[');
    }
  });
});
