import { describe, expect, it } from 'vitest';
import { HELLO, ubom, workDir } from './helpers';

const files = workDir();

describe('ubom validate', () => {
  it('says valid and exits 0 for a valid work, running nothing', async () => {
    const { code, stdout, stderr } = await ubom(['validate', HELLO]);
    expect(code).toBe(0);
    expect(stdout).toBe(`valid: ${HELLO} (process work "hello-1")\n`);
    expect(stderr).toBe('');
  });

  it('cuts a long id it echoes back with an ellipsis (a 10 MB id is not printed back)', async () => {
    const id = 'x'.repeat(10 * 1024 * 1024);
    const path = files.write('long-id.json', { id, type: 'process', executor_config: { command: ['true'] } });
    const { code, stdout } = await ubom(['validate', path]);
    expect(code).toBe(0);
    expect(stdout).toBe(`valid: ${path} (process work "${'x'.repeat(119)}…")\n`);
  });

  it('reads from stdin with -', async () => {
    const { code, stdout } = await ubom(['validate', '-'], {
      input: JSON.stringify({ id: 'x', type: 'process', executor_config: { command: ['true'] } }),
    });
    expect(code).toBe(0);
    expect(stdout).toBe('valid: <stdin> (process work "x")\n');
  });

  it('lists every problem with its JSON path and exits 2', async () => {
    const work = {
      id: '',
      type: 'process',
      labels: { team: 7 },
      executor_config: { command: [], shel: true, environment: { '1BAD': 'x' } },
    };
    const path = files.write('invalid.json', work);
    const { code, stdout, stderr } = await ubom(['validate', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const problems = stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(stderr).toContain('  - id: must not be empty');
    expect(stderr).toContain('  - labels.team: must be a string, got 7');
    expect(stderr).toContain('  - executor_config.shel: unknown key — did you mean "shell"?');
    expect(stderr).toMatch(/ {2}- executor_config\.command: /);
    expect(stderr).toContain(`${path}: invalid work, ${problems.length} problems`);
  });

  it('names file:line:column for each problem (the key, else the object a missing key belongs in)', async () => {
    const text =
      '{\n  "id": "w",\n  "type": "process",\n  "executor_config": {\n    "comand": ["true"]\n  }\n}\n';
    const path = files.write('positions.json', text);
    for (const command of ['validate', 'run']) {
      const { code, stderr } = await ubom([command, path]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `  - executor_config.comand: unknown key — did you mean "command"? (${path}:5:5)\n`,
      );
    }
  });
});
