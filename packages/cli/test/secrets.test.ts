import { describe, expect, it } from 'vitest';
import { nodeWork, ubom, workDir } from './helpers';

const files = workDir();
const SECRET = 'tok-3f9a8c1e-do-not-print';
const forms = [SECRET, Buffer.from(SECRET).toString('base64'), encodeURIComponent(SECRET)];

const expectNoSecret = (...texts: string[]) => {
  for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
};

describe('secrets (process secret_environment, writeOnly) never reach the CLI output', () => {
  const leaky = nodeWork(
    `const t = process.env.TOKEN;
     console.log('token is ' + t);
     console.error('stderr token ' + t);
     console.log('b64 ' + Buffer.from(t).toString('base64'));
     console.log(JSON.stringify({ token: t }));`,
    { secret_environment: { TOKEN: SECRET }, output: 'json' },
  );

  it('masks the secret in live logs and in the summary', async () => {
    const { code, stdout, stderr } = await ubom(['run', files.write('leaky.json', leaky)]);
    expect(code).toBe(0);
    expect(stderr).toContain('token is ***');
    expect(stderr).toContain('[stderr] stderr token ***');
    expect(stdout).toContain('result: {"token":"***"}');
    expectNoSecret(stdout, stderr);
  });

  it('masks the secret in --json output', async () => {
    const { code, stdout, stderr } = await ubom(['run', files.write('leaky-json.json', leaky), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).outputs.result).toEqual({ token: '***' });
    expectNoSecret(stdout, stderr);
  });

  it('masks the secret in errors of a work that could not start', async () => {
    const work = {
      id: 'missing-binary',
      type: 'process',
      executor_config: { command: [`/no/such/dir/${SECRET}`], secret_environment: { TOKEN: SECRET } },
    };
    const { code, stdout, stderr } = await ubom(['run', files.write('missing.json', work), '--debug']);
    expect(code).not.toBe(0);
    expect(stdout + stderr).toContain('***');
    expectNoSecret(stdout, stderr);
  });

  it('does not show secret values in validation problems', async () => {
    const work = {
      id: 'bad-secret',
      type: 'process',
      executor_config: {
        command: ['true'],
        secret_environment: { TOKEN: 12345678, OTHER: SECRET, '1BAD': SECRET },
        environment: { A: 1 },
      },
    };
    for (const command of ['run', 'validate']) {
      const { code, stdout, stderr } = await ubom([command, files.write('bad-secret.json', work)]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        'executor_config.secret_environment.TOKEN: must be a string, got a secret value (not shown)',
      );
      expect(stderr).toContain('executor_config.environment.A: must be a string, got 1');
      expectNoSecret(stdout, stderr);
      expect(stdout + stderr).not.toContain('12345678');
    }
  });
});
