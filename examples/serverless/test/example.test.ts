import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS } from '../lambda.mjs';

const run = promisify(execFile);
const example = new URL('..', import.meta.url).pathname;
const SECRET = Object.values(CREDENTIALS)[0] ?? '';
const env = { ...process.env, NO_COLOR: '1' };

interface Failed {
  code: number;
  stdout: string;
  stderr: string;
}

describe('examples/serverless', () => {
  it('pnpm start invokes the real handler through the local Lambda endpoint: its logs live, its payload as output', async () => {
    const { stdout, stderr } = await run('pnpm', ['--silent', 'run', 'start'], { cwd: example, env });
    expect(stderr).toContain('greeting Ada from greet\n[stderr] this line is a warning\n');
    expect(stdout).toMatch(/^SUCCESS greet on Lambda \(serverless\), in [\d.]+m?s\n/m);
    expect(stdout).toMatch(/^ {2}payload: \{"greeting":"Hello, Ada!","requestId":"[0-9a-f-]{36}"\}$/m);
    expect(stdout).toContain('  status_code: 200');
  });

  it('a handler that throws is a work that ran and failed: exit 1, the function error as the error', async () => {
    const failure = (await run('node', ['run.mjs', 'fails.json'], { cwd: example, env }).catch(
      (error: Failed) => error,
    )) as Failed;
    expect(failure.code).toBe(1);
    expect(failure.stdout).toMatch(/^FAILED greet nobody \(serverless\), in [\d.]+m?s\n/m);
    expect(failure.stdout).toContain('error: TypeError: event.name is required');
    expect(failure.stdout).toContain('  function_error: "Unhandled"');
  });

  it('the secret key signs the requests but appears nowhere in the output', async () => {
    const { stdout, stderr } = await run('node', ['run.mjs', 'work.json', 'fails.json'], {
      cwd: example,
      env: { ...env, UBOM_FLAGS: '--json' },
    }).catch((error: Failed) => error);
    expect(SECRET.length).toBeGreaterThan(20);
    expect(stdout).toContain('"success": true');
    expect(stdout).toContain('"success": false');
    expect(`${stdout}${stderr}`).not.toContain(SECRET);
  });
});
