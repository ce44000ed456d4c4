import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = new URL('..', import.meta.url).pathname;

describe('examples/embed', () => {
  it('pnpm start runs the three works: one succeeds, one times out and is stopped, one is refused with every problem', async () => {
    const { stdout } = await run('pnpm', ['--silent', 'run', 'start'], { cwd: example });
    expect(stdout).toContain('  hello from a work\ngreet: succeeded, outputs {"exit_code":0,');
    expect(stdout).toMatch(/^slow: failed \(timed out after 500ms\), outputs /m);
    expect(stdout).toContain(
      'typo: not run\n' +
        '  executor_config.comand: unknown key — did you mean "command"?\n' +
        '  executor_config.timeout: must look like 30s, got "soon"\n',
    );
    // the timed-out work's process is gone once the program has finished
    const pid = Number(/^slow: .*"pid":(\d+)/m.exec(stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
