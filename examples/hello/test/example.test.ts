import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = new URL('..', import.meta.url).pathname;
/** `pnpm start` (or another script of this example) as the README says, to the end. */
const script = (name: string) =>
  run('pnpm', ['--silent', 'run', name], { cwd: example, env: { ...process.env, NO_COLOR: '1' } });

describe('examples/hello', () => {
  it('pnpm start runs the process work: live lines on stderr in order, a success summary with the JSON result', async () => {
    const { stdout, stderr } = await script('start');
    expect(stderr).toMatch(
      /hello, this is a UBOM process work\nworking on step 1 of 2\n\[stderr\] a note on stderr\nworking on step 2 of 2\n/,
    );
    expect(stdout).toMatch(/^SUCCESS hello \(process\), in [\d.]+m?s, exit code 0\n/);
    expect(stdout).toContain('  result: {"greeting":"hello","steps":2}');
  });

  it('pnpm validate says the work is valid', async () => {
    const { stdout } = await script('validate');
    expect(stdout).toBe('valid: work.json (process work "hello-1")\n');
  });
});
