import { describe, expect, it } from 'vitest';
import { childEnvironment, createPlugin, DEFAULT_INHERITED_ENV } from '../src';
import { lines, run } from './support/run';

const printEnv = ['sh', '-c', 'env | sort'];
const envOf = async (config: Record<string, unknown>): Promise<Map<string, string>> => {
  const { result } = await run({ command: printEnv, ...config });
  expect(result.success).toBe(true);
  return new Map(
    lines(result.logs, 'stdout').map(
      (l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const,
    ),
  );
};

describe('the environment of the command', () => {
  it('passes `environment` to the command', async () => {
    const env = await envOf({ environment: { GREETING: 'hello world', EMPTY: '' } });
    expect(env.get('GREETING')).toBe('hello world');
    expect(env.get('EMPTY')).toBe('');
  });

  it('inherits only a minimal safe set by default, never the rest of the parent environment', async () => {
    process.env.UBOM_TEST_PARENT_ONLY = 'leak';
    try {
      const env = await envOf({});
      expect(env.has('UBOM_TEST_PARENT_ONLY')).toBe(false);
      expect(env.get('PATH')).toBe(process.env.PATH);
      for (const name of env.keys()) {
        const allowed = DEFAULT_INHERITED_ENV.some((p) =>
          p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name,
        );
        // sh itself may add PWD, SHLVL and _
        expect(allowed || ['PWD', 'SHLVL', '_', 'OLDPWD'].includes(name), `${name} was inherited`).toBe(true);
      }
    } finally {
      delete process.env.UBOM_TEST_PARENT_ONLY;
    }
  });

  it('inherits everything with `inherit_env: true`, and exactly the listed names (with prefixes) otherwise', async () => {
    process.env.UBOM_TEST_A = 'a';
    process.env.UBOM_TEST_PREFIX_B = 'b';
    try {
      expect((await envOf({ inherit_env: true })).get('UBOM_TEST_A')).toBe('a');
      const listed = await envOf({ inherit_env: ['PATH', 'UBOM_TEST_PREFIX_*'] });
      expect(listed.get('UBOM_TEST_PREFIX_B')).toBe('b');
      expect(listed.has('UBOM_TEST_A')).toBe(false);
      expect(listed.has('HOME')).toBe(false);
    } finally {
      delete process.env.UBOM_TEST_A;
      delete process.env.UBOM_TEST_PREFIX_B;
    }
  });

  it('`environment` overrides an inherited variable, `secret_environment` overrides both', () => {
    const env = childEnvironment(
      {
        inherit_env: ['HOME'],
        environment: { HOME: '/from-environment', X: '1' },
        secret_environment: { X: '2' },
      },
      { HOME: '/parent', OTHER: 'o' },
    );
    expect(env).toEqual({ HOME: '/from-environment', X: '2' });
    expect(childEnvironment({ inherit_env: false }, { HOME: '/parent' })).toEqual({});
  });

  it('gives `secret_environment` to the command but masks its value in logs, outputs and the JSON result', async () => {
    const secret = 'tok-1234567890-abcdef';
    const { result, live } = await run({
      command: [
        'sh',
        '-c',
        'echo "token=$TOKEN"; echo "len=$(printf %s "$TOKEN" | wc -c)"; echo "$TOKEN" >&2; echo "{\\"token\\":\\"$TOKEN\\"}"',
      ],
      secret_environment: { TOKEN: secret },
      output: 'json',
    });
    expect(result.success).toBe(true);
    expect(lines(live, 'stdout')).toEqual(['token=***', `len=${secret.length}`, '{"token":"***"}']);
    expect(result.outputs.result).toEqual({ token: '***' });
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(JSON.stringify(live)).not.toContain(secret);
  });

  it('masks secrets even when the executor is called directly, without the registry', async () => {
    const secret = 'direct-secret-value-42';
    const direct = createPlugin();
    const result = await direct.execute(
      {
        id: 'direct',
        type: 'process',
        executor_config: {
          command: ['sh', '-c', 'echo "$S"; echo "$S" >&2; exit 3'],
          secret_environment: { S: secret },
        },
      },
      {},
    );
    expect(result.success).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.outputs.stdout).toBe('***\n');
  });
});
