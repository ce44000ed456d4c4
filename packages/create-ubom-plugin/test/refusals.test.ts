import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli';

/** Runs the CLI expecting a refusal: exit 1, one clear message on stderr, nothing written. */
function refuse(args: string[], message: RegExp): void {
  const cwd = tempDir();
  const run = runCli(args, { cwd });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toContain('create-ubom-plugin --help');
  expect(run.stdout).toBe('');
  expect(readdirSync(cwd)).toEqual([]);
}

describe('refusing what it cannot scaffold', () => {
  it('fails clearly without prompts when the name is missing', () => {
    refuse(
      ['--no-interactive', '--no-install'],
      /missing the plugin name: pass it as the first argument or with --name/,
    );
  });

  it.each([
    ['My Plugin', /invalid plugin name "My Plugin".*\(try "my-plugin"\)/],
    ['.hidden', /invalid plugin name "\.hidden": npm package names use lowercase letters/],
    ['_private', /invalid plugin name "_private"/],
    ['Greet', /invalid plugin name "Greet".*\(try "greet"\)/],
    ['caf\u00e9', /invalid plugin name "caf\u00e9"/],
    ['ubom-plugin-', /the plugin name is empty/],
  ])('refuses the invalid npm name %j with the rule and a suggestion', (name, message) => {
    refuse([name, '--no-install'], message);
  });

  it('refuses a package name longer than npm allows', () => {
    refuse([`a${'b'.repeat(210)}`, '--work-type', 'x', '--no-install'], /longer than npm's 214 characters/);
  });

  it('refuses an invalid scope', () => {
    refuse(['greet', '--scope', '@Acme Corp', '--no-install'], /invalid npm scope "@Acme Corp"/);
  });

  it('refuses two different scopes', () => {
    refuse(
      ['@acme/greet', '--scope', 'other', '--no-install'],
      /two scopes given: @acme in the name and --scope @other/,
    );
  });

  it.each([
    [['greet', '--work-type', 'Big Type'], /invalid work type "Big Type": use lowercase letters/],
    [['greet', '--work-type', 'docker'], /work type "docker" belongs to @ubom\/executor-docker/],
    [
      ['process'],
      /work type "process" belongs to @ubom\/executor-process.*\(taken from the name\): pass --work-type/,
    ],
    [
      ['3d-print'],
      /invalid work type "3d-print".*starting with a letter \(taken from the name\): pass --work-type/,
    ],
  ])('refuses the work type of %j', (args, message) => {
    refuse([...args, '--no-install'], message);
  });

  it('refuses an unknown option and suggests the closest one', () => {
    refuse(['greet', '--work-tpye', 'x'], /unknown option --work-tpye \(did you mean --work-type\?\)/);
  });

  it('refuses contradictory flags and an unknown package manager', () => {
    refuse(['greet', '--install', '--no-install'], /--install and --no-install contradict each other/);
    refuse(
      ['greet', '--package-manager', 'pip'],
      /unknown package manager "pip": use one of npm, pnpm, yarn, bun/,
    );
    refuse(['greet', '--name', 'other'], /two names given: "greet" and --name "other"/);
  });

  it('refuses a --registry that is not an http(s) URL', () => {
    refuse(
      ['greet', '--registry', 'registry.example.com'],
      /invalid --registry "registry\.example\.com": give the registry's http\(s\) URL/,
    );
  });

  it('refuses --interactive without a terminal', () => {
    refuse(['greet', '--interactive'], /--interactive needs a terminal/);
  });

  it('leaves a non-empty target folder alone unless --overwrite is given', () => {
    const cwd = tempDir();
    const dir = join(cwd, 'ubom-plugin-greet');
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const refused = runCli(['greet', '--no-install', '--no-git'], { cwd });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`the target folder ${dir} is not empty: pass --overwrite`);
    expect(readdirSync(dir).sort()).toEqual(['.git', 'notes.txt']);

    const overwritten = runCli(['greet', '--no-install', '--no-git', '--overwrite'], { cwd });
    expect(overwritten.status).toBe(0);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(false);
    expect(existsSync(join(dir, '.git'))).toBe(true);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toContain('"name": "ubom-plugin-greet"');
  });

  it('accepts a target folder holding only .git without --overwrite', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'ubom-plugin-greet', '.git'), { recursive: true });
    expect(runCli(['greet', '--no-install', '--no-git'], { cwd }).status).toBe(0);
  });

  it('never empties the file-system root or the home folder, even with --overwrite', () => {
    for (const dir of ['/', homedir()]) {
      const run = runCli(['greet', '--dir', dir, '--overwrite', '--no-install', '--no-git'], {
        cwd: tempDir(),
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`refusing to scaffold into ${dir}: choose a new folder`);
    }
  });

  it('refuses a target that is a file', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'ubom-plugin-greet'), '');
    const run = runCli(['greet', '--no-install'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ubom-plugin-greet exists and is not a folder/);
  });
});
