import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isPluginPackageName, manifestProblem } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import rootManifest from '../../../package.json';
import coreManifest from '../../core/package.json';
import testkitManifest from '../../testkit/package.json';
import { readJson, runCli, tempDir } from './support/cli';

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
    })
    .sort();
}

const TEMPLATE_FILES = [
  '.gitignore',
  'README.md',
  'package.json',
  'src/config.ts',
  'src/executor.ts',
  'src/index.ts',
  'src/transform.ts',
  'test/conformance.test.ts',
  'test/executor.test.ts',
  'tsconfig.json',
  'tsup.config.ts',
  'vitest.config.ts',
];

describe('scaffolding a plugin without prompts', () => {
  it('writes ubom-plugin-<name> with every template file, _gitignore renamed and no placeholder left', () => {
    const cwd = tempDir();
    const run = runCli(['greet', '--no-install', '--no-git'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const dir = join(cwd, 'ubom-plugin-greet');
    expect(listFiles(dir)).toEqual(TEMPLATE_FILES);
    for (const file of TEMPLATE_FILES) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/UBOM_[A-Z_]+|UbomTemplate/);
    }
    expect(run.stdout).toContain(`Created ubom-plugin-greet (work type "greet") in ${dir}`);
    expect(run.stdout).toMatch(/cd ubom-plugin-greet\n\s+npm install\n\s+npm run test/);
  });

  it('writes a package.json with the manifest, dual exports, peer @ubom/core and pinned tool versions', () => {
    const cwd = tempDir();
    expect(runCli(['greet', '--no-install', '--no-git'], { cwd }).status).toBe(0);
    const pkg = readJson(join(cwd, 'ubom-plugin-greet', 'package.json'));
    expect(pkg.name).toBe('ubom-plugin-greet');
    expect(pkg.ubom).toEqual({ apiVersion: 1, workTypes: ['greet'], entry: './dist/index.js' });
    expect(manifestProblem(pkg.ubom)).toBeUndefined();
    expect(pkg.files).toEqual(['dist']);
    const exportsRoot = (pkg.exports as Record<string, Record<string, Record<string, string>>>)['.'];
    for (const condition of ['import', 'require']) {
      expect(Object.keys(exportsRoot?.[condition] ?? {})).toEqual(['types', 'default']);
    }
    expect(exportsRoot?.import?.default).toBe('./dist/index.js');
    expect(pkg.dependencies).toEqual({ zod: '^4.6.7' });
    expect(pkg.peerDependencies).toEqual({ '@ubom/core': `^${coreManifest.version}` });
    expect(pkg.devDependencies).toMatchObject({
      '@ubom/core': `^${coreManifest.version}`,
      '@ubom/testkit': `^${testkitManifest.version}`,
      tsup: rootManifest.devDependencies.tsup,
      vitest: rootManifest.devDependencies.vitest,
      typescript: rootManifest.devDependencies.typescript,
    });
    expect(rootManifest.devDependencies).toMatchObject({ tsup: '~8.5.0', vitest: '~4.1.0' });
    expect(rootManifest.devDependencies.typescript).toMatch(/^~6\.0\./);
    expect(pkg.publishConfig).toBeUndefined();
    expect(pkg.author).toBeUndefined();
  });

  it('uses the work type, description and author given as flags everywhere they belong', () => {
    const cwd = tempDir();
    const run = runCli(
      [
        '--name',
        'text-tools',
        '--work-type',
        'text.shout',
        '--description',
        'Shouts "things" at people',
        '--author',
        'Ada <ada@example.com>',
        '--no-install',
        '--no-git',
      ],
      { cwd },
    );
    expect(run.status).toBe(0);
    const dir = join(cwd, 'ubom-plugin-text-tools');
    const pkg = readJson(join(dir, 'package.json'));
    expect(pkg).toMatchObject({
      name: 'ubom-plugin-text-tools',
      description: 'Shouts "things" at people',
      author: 'Ada <ada@example.com>',
      ubom: { workTypes: ['text.shout'] },
    });
    expect(Object.keys(pkg).indexOf('author')).toBe(Object.keys(pkg).indexOf('description') + 1);
    const executor = readFileSync(join(dir, 'src', 'executor.ts'), 'utf8');
    expect(executor).toContain("export const WORK_TYPE = 'text.shout';");
    expect(executor).toContain('export const createPlugin = defineExecutor({');
    expect(executor).toContain('export type TextShoutExecutor = ReturnType<typeof createPlugin>;');
    expect(pkg).toMatchObject({ dependencies: { zod: expect.stringMatching(/^\^4\./) } });
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# ubom-plugin-text-tools\n\nShouts "things" at people\n/);
    expect(readme).toContain('"type": "text.shout"');
  });

  it.each([
    [['@acme/ubom-plugin-greet'], '@acme/ubom-plugin-greet'],
    [['@acme/greet'], '@acme/ubom-plugin-greet'],
    [['greet', '--scope', 'acme'], '@acme/ubom-plugin-greet'],
    [['greet', '--scope', '@acme'], '@acme/ubom-plugin-greet'],
    [['ubom-plugin-greet'], 'ubom-plugin-greet'],
  ])('%j names the package %s, a name core discovery recognises', (args, expected) => {
    const cwd = tempDir();
    const run = runCli([...args, '--no-install', '--no-git'], { cwd });
    expect(run.stderr).toBe('');
    const pkg = readJson(join(cwd, 'ubom-plugin-greet', 'package.json'));
    expect(pkg.name).toBe(expected);
    expect(isPluginPackageName(expected)).toBe(true);
    expect((pkg.ubom as { workTypes: string[] }).workTypes).toEqual(['greet']);
    expect(pkg.publishConfig).toEqual(expected.startsWith('@') ? { access: 'public' } : undefined);
  });

  it('writes into --dir, relative to the current folder', () => {
    const cwd = tempDir();
    const run = runCli(['greet', '--dir', 'plugins/mine', '--no-install', '--no-git'], { cwd });
    expect(run.status).toBe(0);
    expect(readJson(join(cwd, 'plugins', 'mine', 'package.json')).name).toBe('ubom-plugin-greet');
    expect(run.stdout).toContain('cd plugins/mine');
  });
});
