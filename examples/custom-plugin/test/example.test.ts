import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = new URL('..', import.meta.url).pathname;
/** A script of this example (`pnpm start`, `pnpm plugins`) as the README says, to the end. */
const script = (name: string) =>
  run('pnpm', ['--silent', 'run', name], { cwd: example, env: { ...process.env, NO_COLOR: '1' } });

describe('examples/custom-plugin', () => {
  it('pnpm plugins lists ubom-plugin-greeting from its manifest, beside the embedded process executor', async () => {
    const { stdout } = await script('plugins');
    expect(stdout).toMatch(/^ubom-plugin-greeting\s+1\.0\.0\s+greeting\s+available\b/m);
    expect(stdout).toMatch(/^@ubom\/executor-process\s+\S+\s+process\s+available\b/m);
  });

  it('pnpm start runs the greeting work on the discovered plugin', async () => {
    const { stdout, stderr } = await script('start');
    expect(stderr).toBe('Bonjour, Ada!\nBonjour, Ada!\nBonjour, Ada!\n');
    expect(stdout).toMatch(/^SUCCESS greet Ada \(greeting\), in [\d.]+m?s\n/);
    expect(stdout).toContain('  greeting: "Bonjour, Ada!"');
    expect(stdout).toContain('  lines: 3');
  });
});
