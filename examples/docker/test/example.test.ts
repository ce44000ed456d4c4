import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = new URL('..', import.meta.url).pathname;
const env = { ...process.env, NO_COLOR: '1' };

interface Finished {
  code?: number;
  stdout: string;
  stderr: string;
}
const cli = (file: string): Promise<Finished> =>
  run('node', ['../../packages/cli/dist/cli.js', 'run', file], { cwd: example, env }).catch(
    (error: Finished) => error,
  );
/** Containers of a work still known to the engine (running or stopped). */
const containersOf = async (workId: string): Promise<string> =>
  (await run('docker', ['ps', '-aq', '--filter', `label=ubom.work-id=${workId}`])).stdout.trim();

describe('examples/docker', () => {
  it('pnpm start runs the container: live lines, limits applied, the outputs file as outputs.result, container removed', async () => {
    const { stdout, stderr } = await run('pnpm', ['--silent', 'run', 'start'], { cwd: example, env });
    expect(stderr).toMatch(/^hello from container \w+, user 65534, in \/tmp\n/);
    expect(stderr).toContain('memory limit: 67108864 bytes\n');
    expect(stderr).toContain('step 1 of 3\nstep 2 of 3\nstep 3 of 3\n');
    expect(stderr).toContain('[stderr] a note on stderr\n');
    expect(stdout).toMatch(/^SUCCESS report from a container \(docker\), in [\d.]+m?s, exit code 0\n/);
    expect(stdout).toMatch(/^ {2}result: \{"steps":3,"kernel":"[^"]+"\}$/m);
    expect(await containersOf('docker-report')).toBe('');
  });

  it('a container that outlives the work timeout is stopped and removed: FAILED, timed out, exit 1', async () => {
    const { code, stdout, stderr } = await cli('slow.json');
    expect(code).toBe(1);
    expect(stderr).toContain('started, now sleeping for a minute\n');
    expect(stderr).not.toContain('never printed');
    expect(stdout).toContain('error: timed out after 2s');
    expect(await containersOf('docker-slow')).toBe('');
  });
});
