import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = new URL('..', import.meta.url).pathname;

describe('examples/grpc', () => {
  it('pnpm start serves demo.Greeter with reflection and runs both works through the ubom CLI', async () => {
    const { stdout, stderr } = await run('pnpm', ['--silent', 'run', 'start'], {
      cwd: example,
      env: { ...process.env, NO_COLOR: '1' },
    });
    // unary: the reply is the output
    expect(stdout).toMatch(/^SUCCESS say hello \(grpc\), in [\d.]+m?s\n/m);
    expect(stdout).toContain('  response: {"message":"Hello, Ada!","length":11}');
    // server streaming: each message is a live log line as it arrives, and all of them are the output
    expect(stderr).toBe(
      '{"remaining":3,"label":"T-3"}\n{"remaining":2,"label":"T-2"}\n{"remaining":1,"label":"T-1"}\n{"remaining":0,"label":"liftoff"}\n',
    );
    expect(stdout).toMatch(/^SUCCESS countdown \(grpc\), in [\d.]+m?s\n/m);
    expect(stdout).toContain('  responses: [{"remaining":3,"label":"T-3"},');
  });

  it('a method the server does not have is refused before any call, with the methods it has', async () => {
    const failure = await run('node', ['run.mjs', 'bad-method.json'], { cwd: example }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(2);
    expect(failure.stderr).toContain(
      '  - executor_config.method: method "SayHelo" does not exist on demo.Greeter — did you mean "SayHello"? (methods: SayHello, Countdown) (<stdin>:1:',
    );
  });
});
