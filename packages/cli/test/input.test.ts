import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeWork, ubom, workDir } from './helpers';

const files = workDir();

describe('malformed JSON', () => {
  it('names the line and column of a trailing comma (a V8 error with a position), exit 2', async () => {
    const path = files.write('comma.json', '{\n  "id": "a",\n  "type": "process",\n}\n');
    for (const command of ['run', 'validate']) {
      const { code, stdout, stderr } = await ubom([command, path]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `[ubom] ${path}:4:1: not valid JSON: Expected double-quoted property name (line 4, column 1)\n`,
      );
    }
  });

  it('names the line and column of an unexpected token (a V8 error without a position)', async () => {
    const path = files.write('token.json', '{\n  "id": "a",\n  "list": [1, 2,, 3]\n}');
    const { code, stderr } = await ubom(['run', path]);
    expect(code).toBe(2);
    expect(stderr).toBe(`[ubom] ${path}:3:17: not valid JSON: Unexpected token ',' (line 3, column 17)\n`);
  });

  it('points at the end of a truncated file', async () => {
    const path = files.write('cut.json', '{\n  "id": "a",\n  "type": "proc');
    const { code, stderr } = await ubom(['validate', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}:3:16: not valid JSON`);
    expect(stderr).toContain('(line 3, column 16)');
  });

  it('never quotes the offending text back (it may hold a secret)', async () => {
    const path = files.write(
      'leak.json',
      '{"executor_config": {"secret_environment": {"TOKEN": "hunter2-very-secret" oops}}}',
    );
    const { code, stderr } = await ubom(['run', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(':1:');
    expect(stderr).not.toContain('hunter2');
  });

  it('reports malformed JSON on stdin as <stdin>', async () => {
    const { code, stderr } = await ubom(['run', '-'], { input: '{"id": }' });
    expect(code).toBe(2);
    expect(stderr).toBe("[ubom] <stdin>:1:8: not valid JSON: Unexpected token '}' (line 1, column 8)\n");
  });

  it('refuses an empty file', async () => {
    const { code, stderr } = await ubom(['run', files.write('empty.json', '  \n')]);
    expect(code).toBe(2);
    expect(stderr).toContain('is empty: expected a JSON work');
  });

  it('says plainly when the file does not exist', async () => {
    const { code, stderr } = await ubom(['run', join(files.dir, 'nope.json')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`[ubom] cannot read work file ${join(files.dir, 'nope.json')}: no such file\n`);
  });
});

describe('invalid works', () => {
  const marker = join(files.dir, 'ran-invalid');
  const invalid = {
    id: 'bad',
    type: 'process',
    timeout: 'soon',
    colour: 'blue',
    executor_config: {
      comand: ['echo'],
      command: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      output: 'yaml',
    },
  };

  it('run lists every problem with its JSON path and a did-you-mean, exits 2 and runs nothing', async () => {
    const path = files.write('invalid.json', invalid);
    const { code, stdout, stderr } = await ubom(['run', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(`^\\[ubom\\] ${path.replace(/[.]/g, '\\.')}: invalid work, 4 problems\\n`),
    );
    expect(stderr).toContain('  - executor_config.comand: unknown key — did you mean "command"?');
    expect(stderr).toContain('  - timeout: must look like 30s, got "soon"');
    expect(stderr).toContain('  - colour: unknown key');
    expect(stderr).toMatch(/ {2}- executor_config\.output: must be "text" or "json", got "yaml"/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack
    expect(existsSync(marker)).toBe(false);
  });

  it('a work that is not an object is refused with exit 2', async () => {
    const array = await ubom(['run', files.write('array.json', [1, 2])]);
    expect(array.code).toBe(2);
    expect(array.stderr).toContain('(root): a work must be an object, got an array');
    const nul = await ubom(['run', files.write('null.json', 'null')]);
    expect(nul.code).toBe(2);
    expect(nul.stderr).toContain('(root): a work must be an object, got null');
  });

  it('a work missing its id and executor_config lists both', async () => {
    const { code, stderr } = await ubom(['validate', files.write('bare.json', { type: 'process' })]);
    expect(code).toBe(2);
    expect(stderr).toContain('  - id: is required');
    expect(stderr).toContain('  - executor_config: is required');
  });

  it('a built-in type whose package is not installed names the package to install, exit 2', async () => {
    const work = { id: 'd', type: 'docker', executor_config: { image: 'busybox' } };
    const { code, stderr } = await ubom(['run', files.write('docker.json', work)]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^\[ubom\] no executor for type "docker" — install @ubom\/executor-docker \(searched: work file folder .+; current folder .+; ubom install .+\)\n$/,
    );
  });

  it('an unknown type gets a did-you-mean, with its config checked against that type', async () => {
    const path = files.write('typo.json', {
      ...nodeWork('1'),
      type: 'proces',
      executor_config: { comand: ['x'] },
    });
    const { code, stderr } = await ubom(['validate', path]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `[ubom] ${path}: invalid work, 2 problems\n` +
        `  - type: unknown work type "proces" — did you mean "process"? (${path}:3:3)\n` +
        `  - executor_config.comand: unknown key — did you mean "command"? (${path}:5:5)\n`,
    );
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2 with a suggestion', async () => {
    const { code, stderr } = await ubom(['rnu', 'x.json']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'rnu'");
    expect(stderr).toContain('run');
  });

  it('a missing argument exits 2', async () => {
    const { code, stderr } = await ubom(['run']);
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'file'");
  });

  it('--help exits 0 and lists the commands', async () => {
    const { code, stdout } = await ubom(['--help']);
    expect(code).toBe(0);
    for (const command of ['run', 'validate', 'schema', 'types']) expect(stdout).toContain(command);
  });
});
