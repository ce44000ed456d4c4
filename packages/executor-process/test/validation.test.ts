import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LogEntry, ValidationError, type ValidationIssue } from '@ubom/core';
import { settle } from '@ubom/testkit';
import { describe, expect, it } from 'vitest';
import { commandLine } from '../src';
import { executor, processWork, registry } from './support/run';

/** The issues `validateWork` reports, with the executor's dry run (`{ dryRun: true }`) unless told. */
async function issuesOf(config: Record<string, unknown>, dryRun = true): Promise<ValidationIssue[]> {
  const outcome = await settle(registry.validateWork(processWork(config), { dryRun }));
  expect(outcome.ok, 'the work was accepted').toBe(false);
  if (outcome.ok) return [];
  expect((outcome.error as { code?: unknown }).code).toBe('VALIDATION');
  return (outcome.error as { issues: ValidationIssue[] }).issues;
}

describe('validating a process work', () => {
  it('reports every schema problem at once, each with its path, unknown keys with a did-you-mean', async () => {
    const issues = await issuesOf({ comand: ['ls'], timout: '1s', output: 'jsn', shell: 3 }, false);
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    expect(byPath.get('executor_config.comand')).toMatch(/did you mean "command"/);
    expect(byPath.get('executor_config.timout')).toMatch(/did you mean "timeout"/);
    expect(byPath.get('executor_config.output')).toMatch(/did you mean "json"/);
    expect(byPath.has('executor_config.shell')).toBe(true);
    // the missing `command` and its near miss `comand` are one problem (core)
    expect(byPath.has('executor_config.command')).toBe(false);
  });

  it('refuses a string command without `shell`, saying how to fix it', async () => {
    const [issue] = await issuesOf({ command: 'ls -l' }, false);
    expect(issue).toEqual({
      path: 'executor_config.command',
      message: expect.stringMatching(/shell: true.*\["ls", "-l"\]/),
    });
  });

  it('dry run: a command missing from the child PATH, or a missing cwd, is a ValidationError', async () => {
    expect(await issuesOf({ command: ['ubom-nope'] })).toEqual([
      { path: 'executor_config.command[0]', message: 'command "ubom-nope" was not found on PATH' },
    ]);
    // the child's PATH decides, not the executor's
    expect((await issuesOf({ command: ['ls'], environment: { PATH: '/ubom/empty' } }))[0]?.path).toBe(
      'executor_config.command[0]',
    );
    expect(await issuesOf({ command: ['ls'], cwd: '/ubom/missing' })).toEqual([
      { path: 'executor_config.cwd', message: 'directory "/ubom/missing" does not exist' },
    ]);
    expect((await issuesOf({ command: 'true', shell: '/ubom/no-shell' }))[0]?.path).toBe(
      'executor_config.shell',
    );
  });

  it('dry run: a file without the execute bit is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ubom-exec-'));
    await writeFile(join(dir, 'script.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(dir, 'script.sh'), 0o644);
    expect(await issuesOf({ command: ['./script.sh'], cwd: dir })).toEqual([
      { path: 'executor_config.command[0]', message: '"./script.sh" is not an executable file' },
    ]);
    await chmod(join(dir, 'script.sh'), 0o755);
    await expect(
      registry.validateWork(processWork({ command: ['./script.sh'], cwd: dir }), { dryRun: true }),
    ).resolves.toBeUndefined();
  });

  it('without the dry run, validation does not look for the program or the directory', async () => {
    await expect(registry.validateWork(processWork({ command: ['ubom-nope'] }))).resolves.toBeUndefined();
    await expect(
      registry.validateWork(processWork({ command: ['ls'], cwd: '/ubom/missing' })),
    ).resolves.toBeUndefined();
  });

  it("execute() explains a failed spawn with the dry run's ValidationError (nothing ran)", async () => {
    const live: LogEntry[] = [];
    const missing = await settle(
      executor.execute(processWork({ command: ['ubom-nope'] }), {}, { onLog: (e) => live.push(e) }),
    );
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error).toBeInstanceOf(ValidationError);
      expect(missing.error).toMatchObject({
        issues: [
          { path: 'executor_config.command[0]', message: 'command "ubom-nope" was not found on PATH' },
        ],
      });
    }
    expect(live.filter((e) => e.source !== 'executor')).toEqual([]);
    const noDir = await settle(executor.execute(processWork({ command: ['ls'], cwd: '/ubom/missing' }), {}));
    if (!noDir.ok)
      expect(noDir.error).toMatchObject({
        issues: [{ path: 'executor_config.cwd', message: 'directory "/ubom/missing" does not exist' }],
      });
    expect(noDir.ok).toBe(false);
    const noShell = await settle(
      executor.execute(processWork({ command: 'true', shell: '/ubom/no-sh' }), {}),
    );
    if (!noShell.ok) expect(noShell.error).toMatchObject({ issues: [{ path: 'executor_config.shell' }] });
    expect(noShell.ok).toBe(false);
  });

  it('execute() refuses a file without the execute bit with the same ValidationError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ubom-exec-'));
    await writeFile(join(dir, 'script.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(dir, 'script.sh'), 0o644);
    await expect(
      executor.execute(processWork({ command: ['./script.sh'], cwd: dir }), {}),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'executor_config.command[0]', message: '"./script.sh" is not an executable file' }],
    });
  });

  it("with a shell, a missing program is the shell's exit 127: the work ran and failed", async () => {
    const result = await registry.execute(processWork({ command: 'ubom-nope', shell: true }), {});
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(127);
    expect(result.error).toMatch(/exited with code 127: .*ubom-nope.*not found/);
  });

  it('reports the string-command rule together with the other problems', async () => {
    const outcome = await settle(executor.execute(processWork({ command: 'ls', output: 'yaml' }), {}));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect((outcome.error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
        'executor_config.command',
        'executor_config.output',
      ]);
  });

  it('execute() refuses an invalid config on its own, without the registry', async () => {
    const outcome = await settle(executor.execute(processWork({ command: 'ls' }), {}));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.error).toMatchObject({
        code: 'VALIDATION',
        issues: [{ path: 'executor_config.command' }],
      });
  });
});

describe('commandLine', () => {
  it('spawns the argv itself without a shell, and `sh -c` with one (arrays joined with spaces)', () => {
    expect(commandLine({ command: ['ls', '-l', 'a b'], shell: false })).toEqual({
      file: 'ls',
      args: ['-l', 'a b'],
      fileKey: 'command[0]',
    });
    expect(commandLine({ command: 'ls | wc', shell: true })).toEqual({
      file: '/bin/sh',
      args: ['-c', 'ls | wc'],
      fileKey: 'shell',
    });
    expect(commandLine({ command: ['echo', '$HOME'], shell: '/bin/bash' })).toEqual({
      file: '/bin/bash',
      args: ['-c', 'echo $HOME'],
      fileKey: 'shell',
    });
  });
});
